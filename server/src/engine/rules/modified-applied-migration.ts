/**
 * A migration whose content changed after it was merged or applied. Databases that ran it never run
 * it again, so the edit reaches only fresh databases (and Flyway, which checks checksums, refuses to
 * migrate at all). The applied content comes from the base git ref or, for Flyway, from the
 * checksum in flyway_schema_history; the CLI and the language server fill it in.
 */
import { flywayChecksum } from '../history/checksum';
import { defineRule } from './define';

/** The part of a file that runs on the way up, for frameworks that keep the down in the same file. */
function upPart(text: string, framework: string): string {
  const marker = framework === 'dbmate' ? /^--\s*migrate:down\b/m : framework === 'goose' ? /^--\s*\+goose\s+Down\b/im : undefined;
  const at = marker ? text.search(marker) : -1;
  return at < 0 ? text : text.slice(0, at);
}

/** Line endings, a byte-order mark and trailing blank space do not change what runs. */
const normalise = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\s+$/, '');

export default defineRule({
  id: 'modified-applied-migration',
  meta: {
    category: 'history',
    severity: 'error',
    summary: 'A migration whose content differs from what was merged or applied.',
    messages: {
      changedSinceMerge:
        'This migration differs from the version already merged: databases that applied it will not run it again, so the change reaches only fresh databases{{flyway}}.',
      checksum:
        'This migration\'s checksum ({{actual}}) differs from the one flyway_schema_history recorded ({{recorded}}): Flyway\'s validation fails on that database until the edit is undone (or repaired).',
    },
    help: 'Undo the edit and put the change in a new migration.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const { history, migration } = ctx;
    const applied = history?.applied;
    if (!history || !migration || !applied) return {};
    return {
      end() {
        const text = history.text(migration.path);
        if (text === undefined) return;
        const recorded = history.framework === 'flyway' ? applied.checksumByVersion?.get(migration.version) : undefined;
        if (recorded !== undefined) {
          const actual = flywayChecksum(text);
          if (actual !== recorded) ctx.report({ messageId: 'checksum', data: { actual, recorded } });
          return;
        }
        const before = applied.contentByPath?.get(migration.path);
        if (before === undefined || normalise(upPart(before, history.framework)) === normalise(upPart(text, history.framework))) return;
        const flyway = history.framework === 'flyway' ? ', and Flyway\'s checksum validation fails on every database that applied it' : '';
        ctx.report({ messageId: 'changedSinceMerge', data: { flyway } });
      },
    };
  },
});
