/**
 * Flyway: `V<version>__<description>.sql` (underscores in the version stand for dots), `U<version>__`
 * undo and `R__` repeatable migrations. Each runs in a transaction unless a sibling `<file>.conf` says
 * `executeInTransaction=false`.
 */
import type { History, MigrationSource } from '../types';
import { addMigration, basename, readOrReport, wholeFile, type Layout } from './layout';

const NAME = /^([VUR])([\d._]*)__(.+)\.sql$/;

export const flyway: Layout = {
  id: 'flyway',
  score: (files) => files.filter((f) => NAME.test(basename(f))).length * 2,
  read(files: string[], source: MigrationSource, history: History) {
    for (const path of files) {
      const match = NAME.exec(basename(path));
      if (!match) continue;
      const text = readOrReport(source, path, history);
      if (text === undefined) continue;
      const conf = files.includes(`${path}.conf`) ? source.read(`${path}.conf`) : undefined;
      const noTransaction = conf !== undefined && /^\s*executeInTransaction\s*=\s*false\s*$/m.test(conf);
      const [, prefix, rawVersion, description] = match;
      addMigration(history, {
        path,
        version: prefix === 'R' ? `R__${description}` : rawVersion.replace(/_/g, '.'),
        name: description.replace(/_/g, ' '),
        direction: prefix === 'U' ? 'down' : 'up',
        ...(prefix === 'R' ? { repeatable: true } : {}),
        sections: wholeFile(text),
        transaction: noTransaction ? 'none' : 'wrapped',
        transactionReason: noTransaction ? `${basename(path)}.conf sets executeInTransaction=false` : 'Flyway runs each migration in a transaction',
      });
    }
  },
};
