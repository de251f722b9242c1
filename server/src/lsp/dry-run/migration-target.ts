/**
 * A migration to dry-run, as its framework sees it: the folder of migrations that holds it, the part
 * of the file that runs on the way up, the earlier migrations (replayed first on the embedded engine)
 * and the lint findings with the schema those earlier migrations built. The editor's text wins over
 * the file on disk, so that a dry run traces what the person sees.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryFile } from '../../db/plan';
import { HistoryIndex, lint, loadHistory, sectionText, type Finding, type History, type MigrationSource, type ResolvedConfig } from '../../engine/index';
import type { SchemaModel } from '../../engine/schema/model';
import { FolderMigrationSource } from '../../node/migration-source';
import { readMigration, formatBytes } from '../../node/read-migration';
import type { ProjectConfigOutcome } from '../project-config';

export class TargetError extends Error {}

export interface MigrationTarget {
  uri: string;
  /** Absolute path of the file. */
  path: string;
  /** The migration folder the file belongs to. */
  root: string;
  /** Path relative to the folder, '/'-separated. */
  name: string;
  /** The part of the file that runs on the way up; other parts blanked, lines kept. */
  text: string;
  /** Earlier migrations in the order they apply. */
  history: HistoryFile[];
  framework?: string;
  findings: Finding[];
  /** The schema before the file, from the earlier migrations (a fresh copy; empty when unknown). */
  schemaBefore?: SchemaModel;
}

/** The local path of a file: URI; throws TargetError for anything else. */
export function pathOfUri(uri: string): string {
  if (!uri.startsWith('file:')) throw new TargetError(`only files on disk can be dry-run, not ${uri}`);
  try {
    return fileURLToPath(uri);
  } catch {
    throw new TargetError(`not a file path: ${uri}`);
  }
}

/**
 * The folder of migrations that holds `file`: a folder listed under `migrations` in the configuration
 * file when one contains it, else the file's own folder (its parent for diesel and Prisma, whose
 * migrations are folders of their own).
 */
export function migrationFolder(file: string, project: ProjectConfigOutcome): string {
  if (project.path && project.config?.migrations) {
    const base = dirname(project.path);
    const containing = project.config.migrations
      .map((folder) => resolve(base, folder))
      .filter((folder) => isInside(file, folder))
      .sort((a, b) => b.length - a.length);
    if (containing.length) return containing[0];
  }
  const folder = dirname(file);
  return /^(up|down|migration)\.sql$/i.test(basename(file)) ? dirname(folder) : folder;
}

function isInside(file: string, folder: string): boolean {
  const rel = relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** A folder's migrations with the editor's texts in place of what is on disk. */
export function overlaySource(root: string, buffers: ReadonlyMap<string, string>): MigrationSource {
  const disk = new FolderMigrationSource(root);
  return {
    list: () => {
      const files = disk.list();
      for (const rel of buffers.keys()) if (!files.includes(rel)) files.push(rel);
      return files;
    },
    read: (rel) => buffers.get(rel) ?? disk.read(rel),
  };
}

export function relativeName(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

export interface TargetOptions {
  uri: string;
  /** Unsaved editor text. */
  text?: string;
  project: ProjectConfigOutcome;
  config: ResolvedConfig;
  /** Replay the earlier migrations (only the first of several files needs them). */
  withHistory: boolean;
}

export function resolveTarget(options: TargetOptions): MigrationTarget {
  const path = pathOfUri(options.uri);
  const text = options.text ?? readText(path);
  const root = migrationFolder(path, options.project);
  const name = relativeName(root, path);
  let history: History | undefined;
  const source = overlaySource(root, new Map([[name, text]]));
  try {
    history = existsSync(root) ? loadHistory(source) : undefined;
  } catch {
    history = undefined; // an unreadable folder: the file alone is still worth a dry run
  }
  const index = history?.migrations.findIndex((m) => m.path === name) ?? -1;
  if (!history || index < 0) {
    return { uri: options.uri, path, root, name: basename(path), text, history: [], framework: history?.framework, findings: lintAlone(text, options.config) };
  }
  const migration = history.migrations[index];
  const earlier = options.withHistory ? history.migrations.slice(0, index) : [];
  const files: HistoryFile[] = [];
  for (const m of earlier) {
    const body = source.read(m.path);
    if (body !== undefined) files.push({ name: m.path, text: sectionText(body, m) });
  }
  let findings: Finding[];
  let schemaBefore: SchemaModel | undefined;
  try {
    const linted = new HistoryIndex(history, source, options.config);
    findings = linted.result(name)?.findings ?? [];
    schemaBefore = linted.schemaBefore(name);
  } catch {
    // An engine problem costs the comparison its history, not the dry run.
    findings = lintAlone(sectionText(text, migration), options.config);
  }
  return { uri: options.uri, path, root, name, text: sectionText(text, migration), history: files, framework: history.framework, findings, schemaBefore };
}

function lintAlone(text: string, config: ResolvedConfig): Finding[] {
  try {
    return lint(text, { config }).findings;
  } catch {
    return [];
  }
}

function readText(path: string): string {
  let outcome;
  try {
    if (statSync(path).isDirectory()) throw new TargetError(`${path} is a folder, not a migration file`);
    outcome = readMigration(path);
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (outcome.kind === 'too-large') throw new TargetError(`${path} is too large to dry-run (${formatBytes(outcome.bytes)})`);
  return outcome.text;
}

/** Joins a folder and a '/'-separated relative path. */
export function joinRelative(root: string, rel: string): string {
  return join(root, ...rel.split('/'));
}
