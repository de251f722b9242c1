/**
 * The safe-migrations.config.json that applies to a document: the nearest one at or above the file's
 * folder. Results are cached per folder while the client watches configuration files for us (the
 * cache is dropped on every change it reports); without a watcher the file is read on each lint,
 * which costs well under a millisecond.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProjectConfig } from '../engine/index';
import { findConfigFile, loadConfigFile } from '../node/config-file';

export interface ProjectConfigOutcome {
  /** The configuration file found, if any. */
  path?: string;
  /** Its validated content; absent when there is no file or it is invalid. */
  config?: ProjectConfig;
  /** Why the file could not be used (with its path), when it is invalid or unreadable. */
  error?: string;
}

export class ProjectConfigCache {
  private readonly byFolder = new Map<string, ProjectConfigOutcome>();
  /** Errors already written to the log, so that linting on each keystroke does not repeat them. */
  private readonly logged = new Set<string>();
  private caching = false;

  constructor(private readonly log: (message: string) => void) {}

  /** Turned on once the client has agreed to report changes to configuration files. */
  enableCaching(): void {
    this.caching = true;
  }

  invalidate(): void {
    this.byFolder.clear();
    this.logged.clear();
  }

  forUri(uri: string): ProjectConfigOutcome {
    const file = localPath(uri);
    if (!file) return {}; // untitled or remote documents: settings and defaults only
    const folder = dirname(file);
    const hit = this.caching ? this.byFolder.get(folder) : undefined;
    if (hit) return hit;
    const outcome = this.read(folder);
    if (this.caching) this.byFolder.set(folder, outcome);
    return outcome;
  }

  private read(folder: string): ProjectConfigOutcome {
    let path: string | undefined;
    try {
      path = findConfigFile(folder);
    } catch (error) {
      return this.failed(undefined, `Could not look for safe-migrations.config.json above ${folder}: ${(error as Error).message}`);
    }
    if (!path) return {};
    try {
      return { path, config: loadConfigFile(path).config };
    } catch (error) {
      return this.failed(path, (error as Error).message);
    }
  }

  private failed(path: string | undefined, error: string): ProjectConfigOutcome {
    if (!this.logged.has(error)) {
      this.logged.add(error);
      this.log(`${error} (linting without the configuration file until it is fixed)`);
    }
    return { path, error };
  }
}

function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
