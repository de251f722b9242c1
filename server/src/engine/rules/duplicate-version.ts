/**
 * Two migrations with the same version. Frameworks that record applied migrations by version can
 * only record one of them: depending on the tool the run fails or one of the two is skipped for good.
 * The finding goes on the later file, the one that took a version already in use.
 */
import { defineRule } from './define';
import { FRAMEWORK_NAMES, VERSION_KEYED } from './helpers/history-rules';

export default defineRule({
  id: 'duplicate-version',
  meta: {
    category: 'history',
    severity: 'error',
    summary: 'Two migrations of one history share a version.',
    messages: {
      duplicate:
        'Version {{version}} is also the version of {{other}}: {{framework}} records applied migrations by version, so one of the two is skipped or the run fails.',
    },
    help: 'Give this migration a version of its own (a new timestamp or the next number) by renaming the file.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const { history, migration } = ctx;
    if (!history || !migration || migration.repeatable || !VERSION_KEYED.has(history.framework)) return {};
    return {
      end() {
        const first = history.migrations.find((m) => m.version === migration.version && !m.repeatable);
        if (!first || first.path === migration.path) return;
        ctx.report({ messageId: 'duplicate', data: { version: migration.version, other: first.path, framework: FRAMEWORK_NAMES[history.framework] } });
      },
    };
  },
});
