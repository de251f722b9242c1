/**
 * Liquibase formatted SQL: a file starting `--liquibase formatted sql`, made of `--changeset author:id`
 * blocks that each run in their own transaction unless marked `runInTransaction:false`. Each changeset
 * is one migration, ordered by file and position; `--rollback` lines are comments to the SQL parser.
 */
import type { History, MigrationSource } from '../types';
import { addMigration, readOrReport, type Layout } from './layout';

const HEADER = /^\s*--\s*liquibase\s+formatted\s+sql/i;
const CHANGESET = /^--\s*changeset\s+(\S+?):(\S+)(.*)$/gim;

export const liquibase: Layout = {
  id: 'liquibase',
  score: (files, source) => files.filter((f) => f.endsWith('.sql') && HEADER.test(source.read(f)?.slice(0, 200) ?? '')).length * 3,
  read(files: string[], source: MigrationSource, history: History) {
    const ordered = files.filter((f) => f.endsWith('.sql')).sort();
    let position = 0;
    for (const path of ordered) {
      const text = readOrReport(source, path, history);
      if (text === undefined || !HEADER.test(text.slice(0, 200))) continue;
      const heads = [...text.matchAll(CHANGESET)];
      heads.forEach((head, i) => {
        const start = head.index + head[0].length;
        const end = i + 1 < heads.length ? heads[i + 1].index : text.length;
        const noTransaction = /runInTransaction:\s*false/i.test(head[3]);
        position++;
        addMigration(history, {
          path,
          version: String(position).padStart(6, '0'),
          name: `${head[1]}:${head[2]}`,
          direction: 'up',
          sections: [{ start, end }],
          transaction: noTransaction ? 'none' : 'wrapped',
          transactionReason: noTransaction ? `changeset ${head[1]}:${head[2]} sets runInTransaction:false` : 'Liquibase runs each changeset in a transaction',
        });
      });
    }
  },
};
