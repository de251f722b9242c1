/**
 * sqitch: `sqitch.plan` lists changes in deploy order; each has `deploy/<change>.sql`,
 * `revert/<change>.sql` and `verify/<change>.sql`. Scripts manage their own BEGIN/COMMIT.
 */
import type { History, MigrationSource } from '../types';
import { addMigration, dirname, readOrReport, wholeFile, type Layout } from './layout';

export const sqitch: Layout = {
  id: 'sqitch',
  score: (files) => (files.some((f) => /(^|\/)sqitch\.plan$/.test(f)) ? 1000 : 0),
  read(files: string[], source: MigrationSource, history: History) {
    const planPath = files.find((f) => /(^|\/)sqitch\.plan$/.test(f))!;
    const plan = readOrReport(source, planPath, history) ?? '';
    const root = dirname(planPath);
    const prefix = root ? `${root}/` : '';
    let position = 0;
    for (const line of plan.split('\n')) {
      // Pragmas start with %, tags with @, comments with #.
      const change = /^([A-Za-z_][\w.-]*)(?:\s|$)/.exec(line.trim());
      if (!change || line.trim().startsWith('%')) continue;
      position++;
      for (const [folder, direction] of [['deploy', 'up'], ['revert', 'down']] as const) {
        const path = `${prefix}${folder}/${change[1]}.sql`;
        if (!files.includes(path)) {
          if (direction === 'up') history.problems.push({ path, message: `sqitch.plan lists ${change[1]} but ${folder}/${change[1]}.sql is missing` });
          continue;
        }
        const text = readOrReport(source, path, history);
        if (text === undefined) continue;
        addMigration(history, {
          path,
          version: String(position).padStart(6, '0'),
          name: change[1],
          direction,
          sections: wholeFile(text),
          transaction: 'none',
          transactionReason: 'sqitch scripts open and commit their own transactions',
        });
      }
    }
  },
};
