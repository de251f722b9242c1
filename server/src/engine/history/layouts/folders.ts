/**
 * Frameworks with one folder per migration:
 * - diesel: `<timestamp>_<name>/up.sql` and `down.sql`; `metadata.toml` with `run_in_transaction = false`
 *   turns the transaction off;
 * - Prisma: `<timestamp>_<name>/migration.sql`; Prisma runs a multi-statement file in a transaction
 *   and a single-statement file without one (so CREATE INDEX CONCURRENTLY can stand alone).
 */
import type { History, MigrationSource } from '../types';
import { splitVersionedName } from '../version';
import { addMigration, basename, dirname, isSingleStatement, readOrReport, wholeFile, type Layout } from './layout';

const folderName = (path: string) => splitVersionedName(basename(dirname(path)));

export const diesel: Layout = {
  id: 'diesel',
  score: (files) => files.filter((f) => /(^|\/)up\.sql$/.test(f) && folderName(f)).length * 2,
  read(files: string[], source: MigrationSource, history: History) {
    for (const path of files) {
      const direction = /(^|\/)up\.sql$/.test(path) ? 'up' : /(^|\/)down\.sql$/.test(path) ? 'down' : undefined;
      const named = folderName(path);
      if (!direction || !named) continue;
      const text = readOrReport(source, path, history);
      if (text === undefined) continue;
      const metadataPath = `${dirname(path)}/metadata.toml`;
      const metadata = files.includes(metadataPath) ? source.read(metadataPath) : undefined;
      const noTransaction = metadata !== undefined && /^\s*run_in_transaction\s*=\s*false\s*$/m.test(metadata);
      addMigration(history, {
        path,
        // diesel drops the dashes: `2017-08-31-230457` is version 20170831230457 and sorts after 20141007131149.
        version: named.version.replace(/-/g, ''),
        name: named.name,
        direction,
        sections: wholeFile(text),
        transaction: noTransaction ? 'none' : 'wrapped',
        transactionReason: noTransaction ? 'metadata.toml sets run_in_transaction = false' : 'diesel runs each migration in a transaction',
      });
    }
  },
};

export const prisma: Layout = {
  id: 'prisma',
  score: (files) => files.filter((f) => /(^|\/)migration\.sql$/.test(f) && folderName(f)).length * 2 + (files.some((f) => f.endsWith('migration_lock.toml')) ? 5 : 0),
  read(files: string[], source: MigrationSource, history: History) {
    for (const path of files) {
      const named = folderName(path);
      if (!/(^|\/)migration\.sql$/.test(path) || !named) continue;
      const text = readOrReport(source, path, history);
      if (text === undefined) continue;
      const single = isSingleStatement(text);
      addMigration(history, {
        path,
        version: named.version,
        name: named.name,
        direction: 'up',
        sections: wholeFile(text),
        transaction: single ? 'none' : 'wrapped',
        transactionReason: single ? 'Prisma runs a single-statement migration without a transaction' : 'Prisma runs a multi-statement migration in a transaction',
      });
    }
  },
};
