/**
 * Frameworks that keep up and down in one file, between marker comments:
 * - dbmate: `-- migrate:up [transaction:false]` … `-- migrate:down`
 * - goose:  `-- +goose Up` … `-- +goose Down`, `-- +goose NO TRANSACTION` anywhere in the file
 * Both run a file's section in a transaction unless marked.
 */
import type { History, MigrationSource, TransactionMode } from '../types';
import { splitVersionedName } from '../version';
import { addMigration, basename, readOrReport, type Layout } from './layout';

interface Markers {
  up: RegExp;
  down: RegExp;
  noTransaction: (text: string, upLine: string) => boolean;
  reason: string;
  wrappedReason: string;
}

function sectionedLayout(id: 'dbmate' | 'goose', markers: Markers): Layout {
  const isMigration = (text: string | undefined) => text !== undefined && markers.up.test(text);
  return {
    id,
    score: (files, source) => files.filter((f) => f.endsWith('.sql') && isMigration(source.read(f))).length * 3,
    read(files: string[], source: MigrationSource, history: History) {
      for (const path of files) {
        if (!path.endsWith('.sql')) continue;
        const text = readOrReport(source, path, history);
        if (!isMigration(text) || text === undefined) continue;
        const named = splitVersionedName(basename(path).replace(/\.sql$/, ''));
        if (!named) {
          history.problems.push({ path, message: `has ${id} markers but no version at the start of its name` });
          continue;
        }
        const up = markers.up.exec(text)!;
        const down = markers.down.exec(text);
        const upStart = up.index + up[0].length;
        const noTransaction = markers.noTransaction(text, up[0]);
        const transaction: TransactionMode = noTransaction ? 'none' : 'wrapped';
        const base = { version: named.version, name: named.name, transaction, transactionReason: noTransaction ? markers.reason : markers.wrappedReason };
        const downAfterUp = down && down.index > up.index;
        addMigration(history, { ...base, path, direction: 'up', sections: [{ start: upStart, end: downAfterUp ? down.index : text.length }] });
        if (down) {
          const downStart = down.index + down[0].length;
          addMigration(history, { ...base, path, direction: 'down', sections: [{ start: downStart, end: downAfterUp ? text.length : up.index }] });
        }
      }
    },
  };
}

export const dbmate = sectionedLayout('dbmate', {
  up: /^--\s*migrate:up\b.*$/m,
  down: /^--\s*migrate:down\b.*$/m,
  noTransaction: (_text, upLine) => /transaction:\s*false/.test(upLine),
  reason: 'the file says -- migrate:up transaction:false',
  wrappedReason: 'dbmate runs each migration in a transaction',
});

export const goose = sectionedLayout('goose', {
  up: /^--\s*\+goose\s+Up\b.*$/im,
  down: /^--\s*\+goose\s+Down\b.*$/im,
  noTransaction: (text) => /^--\s*\+goose\s+NO\s+TRANSACTION\b/im.test(text),
  reason: 'the file says -- +goose NO TRANSACTION',
  wrappedReason: 'goose runs each migration in a transaction',
});
