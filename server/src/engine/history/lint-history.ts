/**
 * Lints a whole history in the framework's order, carrying the schema model from each migration to
 * the next: a table created three migrations ago is an existing table now, and a CHECK validated two
 * migrations ago is known when SET NOT NULL comes. `HistoryIndex` does the work and keeps it up to
 * date after edits; this is the one-shot form for the CLI and tests.
 */
import type { ResolvedConfig } from '../config';
import type { ParseCache } from '../dialects/postgres/statement';
import { lint } from '../lint';
import type { SchemaModel } from '../schema/model';
import { HistoryIndex, type MigrationLint } from './history-index';
import { sectionText } from './section-text';
import type { History, Migration, MigrationSource } from './types';
import type { AppliedMigrations } from './view';

export { sectionText } from './section-text';
export type { MigrationLint } from './history-index';

export interface HistoryLintOptions {
  cache?: ParseCache;
  /** Keep only these migrations' results (all are linted: each needs the ones before it). */
  only?: (m: Migration) => boolean;
  /** Versions merged on the base git ref / applied in the database, for the history rules. */
  applied?: AppliedMigrations;
  /** Also lint the down migrations (each on its own: the schema they run against is not replayed). */
  downs?: boolean;
}

export interface HistoryLintResult {
  /** Up migrations in order (then downs, when asked for), each with its findings. */
  migrations: MigrationLint[];
  /** Statements the schema model did not understand, per kind: worth an information-level note. */
  unhandled: Map<string, number>;
  /** The schema after the last migration. */
  schema: SchemaModel;
}

export function lintHistory(history: History, source: MigrationSource, config: ResolvedConfig, options: HistoryLintOptions = {}): HistoryLintResult {
  const index = new HistoryIndex(history, source, config, { cache: options.cache, applied: options.applied });
  const migrations = index.results();
  if (options.downs) migrations.push(...lintDowns(history, source, config, options.cache));
  return {
    migrations: options.only ? migrations.filter((m) => options.only!(m.migration)) : migrations,
    unhandled: index.unhandled(),
    schema: index.schema(),
  };
}

/** Down migrations run as the framework runs them, with no replayed schema: every table counts as existing. */
export function lintDowns(history: History, source: MigrationSource, config: ResolvedConfig, cache?: ParseCache): MigrationLint[] {
  const out: MigrationLint[] = [];
  for (const migration of history.downs.values()) {
    const text = source.read(migration.path);
    if (text === undefined) continue;
    const runsInTransaction = migration.transaction === 'none' ? history.framework === 'plain' && config.assumeInTransaction : true;
    out.push({ migration, result: lint(sectionText(text, migration), { config, cache, migration, runsInTransaction }) });
  }
  return out;
}
