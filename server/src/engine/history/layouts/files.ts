/**
 * Frameworks with one file per migration and direction:
 * - golang-migrate: `<version>_<name>.up.sql` / `.down.sql` (also `…postgres.up.sql` as ory lays them
 *   out); the file is sent as one multi-statement string, so it runs as one implicit transaction;
 * - Supabase CLI: `supabase/migrations/<timestamp>_<name>.sql`, also sent as one implicit transaction;
 * - plain: numbered or timestamped `.sql` files, run statement by statement (psql-style) unless the
 *   configuration says the runner wraps them.
 */
import type { FrameworkId, History, MigrationSource, TransactionMode } from '../types';
import { splitVersionedName } from '../version';
import { addMigration, basename, dirname, isSingleStatement, readOrReport, wholeFile, type Layout } from './layout';

const UP_DOWN = /\.(up|down)\.sql$/;
const SUPABASE = /(^|\/)supabase\/migrations\/[^/]+\.sql$/;

function fileLayout(
  id: FrameworkId,
  matches: (path: string) => boolean,
  weight: number,
  transaction: TransactionMode,
  transactionReason: string,
): Layout {
  return {
    id,
    score: (files) => files.filter(matches).length * weight,
    read(files: string[], source: MigrationSource, history: History) {
      for (const path of files) {
        if (!matches(path)) continue;
        const updown = UP_DOWN.exec(path);
        const base = basename(path).replace(UP_DOWN, '').replace(/\.sql$/, '').replace(/\.postgres$/, '');
        const named = splitVersionedName(base) ?? (id === 'plain' ? versionedFolder(path) : undefined);
        if (!named) {
          history.problems.push({ path, message: 'has no version at the start of its name, so its place in the history is unknown' });
          continue;
        }
        const text = readOrReport(source, path, history);
        if (text === undefined) continue;
        addMigration(history, {
          path,
          version: named.version,
          name: named.name,
          direction: updown?.[1] === 'down' ? 'down' : 'up',
          sections: wholeFile(text),
          ...transactionOf(text, transaction, transactionReason),
        });
      }
    },
  };
}

/**
 * A multi-statement string runs as one implicit transaction, but a lone statement sent as one query
 * runs outside any transaction block (so CREATE INDEX CONCURRENTLY works there).
 */
function transactionOf(text: string, mode: TransactionMode, reason: string): { transaction: TransactionMode; transactionReason: string } {
  if (mode !== 'implicit' || !isSingleStatement(text)) return { transaction: mode, transactionReason: reason };
  return { transaction: 'none', transactionReason: 'a single statement sent as one query runs outside a transaction block' };
}

export const golangMigrate = fileLayout('golang-migrate', (p) => UP_DOWN.test(p), 2, 'implicit', 'golang-migrate sends the file as one multi-statement string: an implicit transaction');

export const supabase = fileLayout('supabase', (p) => SUPABASE.test(p), 3, 'implicit', 'the Supabase CLI sends each migration as one batch: an implicit transaction');

/** `versioned/v1.2/schema.sql`: the folder carries the version, the file the name. */
function versionedFolder(path: string): { version: string; name: string } | undefined {
  const folder = splitVersionedName(basename(dirname(path)));
  return folder && { version: folder.version, name: basename(path).replace(/\.sql$/, '').replace(/[_-]+/g, ' ') };
}

const plainMigration = (p: string) => p.endsWith('.sql') && (splitVersionedName(basename(p).replace(/\.sql$/, '')) ?? versionedFolder(p)) !== undefined;

export const plain = fileLayout('plain', plainMigration, 1, 'none', 'plain files run statement by statement unless the configuration says the runner wraps them');
