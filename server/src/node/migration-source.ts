/**
 * A MigrationSource over a folder on disk: the file system side of the history layer, used by the
 * CLI and the language server (which overlays its open editor buffers with `overlaySource`).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationSource } from '../engine/history/types';
import { readMigration } from './read-migration';

/** Folders that never hold a project's migrations but can be huge. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

export class FolderMigrationSource implements MigrationSource {
  private files: string[] | undefined;

  constructor(readonly root: string) {}

  /** Every file under the root (relative, '/'-separated), listed once and remembered; `refresh()` forgets. */
  list(): string[] {
    this.files ??= listFiles(this.root);
    return [...this.files];
  }

  refresh(): void {
    this.files = undefined;
  }

  /** The decoded text, or undefined when the file is missing, unreadable or too large to be a migration. */
  read(path: string): string | undefined {
    try {
      const result = readMigration(join(this.root, path));
      return result.kind === 'text' ? result.text : undefined;
    } catch {
      return undefined;
    }
  }
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (relative: string) => {
    let entries;
    try {
      entries = readdirSync(relative ? join(root, relative) : root, { withFileTypes: true });
    } catch {
      return; // an unreadable folder holds nothing we can lint
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) visit(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) out.push(path);
    }
  };
  visit('');
  return out.sort();
}
