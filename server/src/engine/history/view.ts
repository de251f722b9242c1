/**
 * What rules may ask about the history around the migration they check: the other migrations and
 * their versions, the downs, the framework, which versions are already merged or applied, and (for
 * rules that look ahead) what later migrations do. The engine never reads git or a database: the CLI
 * and the language server fill `AppliedMigrations` from a base git ref or the framework's history table.
 */
import type { Statement } from '../dialects/postgres/statement';
import type { FrameworkId, Migration } from './types';

export interface AppliedMigrations {
  /** Versions already merged (on the base git ref) or applied (in the database's history table). */
  versions: ReadonlySet<string>;
  /** The text each migration file had on the base git ref, by path relative to the history root. */
  contentByPath?: ReadonlyMap<string, string>;
  /** Flyway only: the checksum flyway_schema_history recorded, by version. */
  checksumByVersion?: ReadonlyMap<string, number>;
}

export interface HistoryView {
  readonly framework: FrameworkId;
  /** Up migrations in the order the framework applies them. */
  readonly migrations: readonly Migration[];
  /** Down / undo / revert migrations by the version they undo. */
  readonly downs: ReadonlyMap<string, Migration>;
  /** Position of the migration being linted in `migrations`. */
  readonly index: number;
  readonly applied?: AppliedMigrations;
  /** The whole text of a file of the history (every section), or undefined when it cannot be read. */
  text(path: string): string | undefined;
  /** The statements of a migration's sections for its direction, parsed through the shared cache. */
  statements(migration: Migration): readonly Statement[];
  /**
   * The first migration after the current one whose UPDATE sets `column` of `table` (a backfill), or
   * undefined. The question is recorded: when a later migration changes, the ones that asked are
   * linted again.
   */
  laterBackfill(table: string, column: string): Migration | undefined;
  /**
   * The first migration after the current one that creates an index on `table` whose first columns are
   * `leading` (in any order), or undefined. Recorded like laterBackfill.
   */
  laterIndex(table: string, leading: readonly string[]): Migration | undefined;
}
