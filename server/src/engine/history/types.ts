/**
 * A migration history as a framework lays it out: which files are migrations, in which order, which
 * parts of a file run on the way up and down, and whether the framework runs the file inside a
 * transaction. The engine never touches the file system: a MigrationSource lists and reads files.
 */
import type { TextRange } from '../types';

export type FrameworkId =
  | 'flyway'
  | 'liquibase'
  | 'golang-migrate'
  | 'dbmate'
  | 'goose'
  | 'prisma'
  | 'supabase'
  | 'sqitch'
  | 'atlas'
  | 'diesel'
  | 'plain';

export const FRAMEWORK_IDS: readonly FrameworkId[] = [
  'flyway', 'liquibase', 'golang-migrate', 'dbmate', 'goose', 'prisma', 'supabase', 'sqitch', 'atlas', 'diesel', 'plain',
];

/**
 * How the framework runs a migration's SQL:
 * - 'wrapped': inside a transaction the runner opens (Flyway, Liquibase, dbmate, goose, diesel, Atlas);
 * - 'implicit': the file is sent as one multi-statement string, which PostgreSQL runs as one implicit
 *   transaction (golang-migrate, Supabase CLI);
 * - 'none': statement by statement with no transaction unless the file writes BEGIN/COMMIT itself
 *   (a no-transaction marker, sqitch, plain files run by psql).
 */
export type TransactionMode = 'wrapped' | 'implicit' | 'none';

export interface MigrationSource {
  /** Paths of every file under the history's root, relative to it, with '/' separators. */
  list(): string[];
  /** The text of a file, or undefined when it cannot be read. */
  read(path: string): string | undefined;
}

export interface Migration {
  /** Path relative to the history root. */
  path: string;
  /** The version the framework orders by, as written (`2`, `1.2.3`, `20240101120000`). */
  version: string;
  /** Human name from the file or folder name. */
  name: string;
  direction: 'up' | 'down';
  /** Flyway repeatable (`R__`) migrations run after the versioned ones whenever they change. */
  repeatable?: boolean;
  /** The parts of the file that run in this direction (the whole file when the framework has no sections). */
  sections: TextRange[];
  transaction: TransactionMode;
  /** Why the transaction mode is what it is (marker line, config file), for messages. */
  transactionReason: string;
}

export interface History {
  framework: FrameworkId;
  /** Up migrations in the order the framework applies them. */
  migrations: Migration[];
  /** Down/undo/revert migrations, by the version they undo. */
  downs: Map<string, Migration>;
  /** Files that look like migrations but could not be read or placed, with the reason. */
  problems: { path: string; message: string }[];
}
