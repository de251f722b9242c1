/**
 * Atlas: `<version>_<name>.sql` files beside an `atlas.sum` checksum file. Atlas runs each file in a
 * transaction unless the file says `-- atlas:txmode none`.
 */
import type { History, MigrationSource } from '../types';
import { splitVersionedName } from '../version';
import { addMigration, basename, readOrReport, wholeFile, type Layout } from './layout';

export const atlas: Layout = {
  id: 'atlas',
  score: (files) => (files.some((f) => /(^|\/)atlas\.sum$/.test(f)) ? 900 : 0),
  read(files: string[], source: MigrationSource, history: History) {
    for (const path of files) {
      const named = path.endsWith('.sql') ? splitVersionedName(basename(path).replace(/\.sql$/, '')) : undefined;
      if (!named) continue;
      const text = readOrReport(source, path, history);
      if (text === undefined) continue;
      const none = /^--\s*atlas:txmode\s+none\b/m.test(text);
      addMigration(history, {
        path,
        version: named.version,
        name: named.name,
        direction: 'up',
        sections: wholeFile(text),
        transaction: none ? 'none' : 'wrapped',
        transactionReason: none ? 'the file says -- atlas:txmode none' : 'Atlas runs each file in a transaction',
      });
    }
  },
};
