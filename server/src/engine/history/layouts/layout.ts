/** What each framework's reader provides to the history loader. */
import { splitStatements } from '../../dialects/postgres/split';
import type { FrameworkId, History, Migration, MigrationSource } from '../types';

export interface Layout {
  id: FrameworkId;
  /** How strongly the files look like this framework's (0: not at all). Markers such as sqitch.plan score high. */
  score(files: string[], source: MigrationSource): number;
  /** Adds the framework's migrations (unordered), downs and problems to the history. */
  read(files: string[], source: MigrationSource, history: History): void;
}

export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
export const dirname = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export function wholeFile(text: string): Migration['sections'] {
  return [{ start: 0, end: text.length }];
}

/** Adds an up or down migration, keeping downs by version. */
export function addMigration(history: History, migration: Migration): void {
  if (migration.direction === 'down') history.downs.set(migration.version, migration);
  else history.migrations.push(migration);
}

/** Reads a file or records why it could not be read. */
export function readOrReport(source: MigrationSource, path: string, history: History): string | undefined {
  const text = source.read(path);
  if (text === undefined) history.problems.push({ path, message: 'could not be read' });
  return text;
}

/**
 * Whether a file holds at most one SQL statement. Runners that send a file as one query run a lone
 * statement outside any transaction block (so CREATE INDEX CONCURRENTLY works there).
 */
export function isSingleStatement(text: string): boolean {
  return splitStatements(text).chunks.filter((c) => c.kind === 'sql').length <= 1;
}
