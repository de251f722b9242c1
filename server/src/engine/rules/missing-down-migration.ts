/**
 * An up migration with no down in a framework that runs downs to roll back (golang-migrate, dbmate,
 * goose, diesel, sqitch; Flyway when the project uses undo migrations at all). Rolling back past it
 * then fails, or does nothing while the framework records the version as undone.
 */
import { sectionText } from '../history/section-text';
import type { FrameworkId, Migration } from '../history/types';
import type { HistoryView } from '../history/view';
import { defineRule } from './define';
import { FRAMEWORK_NAMES } from './helpers/history-rules';

const WITH_DOWNS: ReadonlySet<FrameworkId> = new Set(['golang-migrate', 'dbmate', 'goose', 'diesel', 'sqitch']);

const DOWN_NAME: Partial<Record<FrameworkId, string>> = {
  'golang-migrate': 'a .down.sql file',
  dbmate: 'a -- migrate:down section',
  goose: 'a -- +goose Down section',
  diesel: 'a down.sql',
  sqitch: 'a revert script',
  flyway: 'an undo migration (U…__)',
};

/** The comment that says a down was left empty on purpose. */
const DELIBERATELY_EMPTY = /^--.*\b(nothing to (undo|revert|roll ?back)|intentionally empty|no-op)\b/i;

/**
 * A down with no statements whose comment says there is nothing to undo (`-- Nothing to undo: the
 * backfill only filled a column the previous down drops`) is empty on purpose, unlike the empty file
 * or the placeholder comment a framework's scaffold creates.
 */
function saysNothingToUndo(history: HistoryView, down: Migration): boolean {
  const text = history.text(down.path);
  if (text === undefined) return false;
  return sectionText(text, down)
    .split('\n')
    .some((line) => DELIBERATELY_EMPTY.test(line.trim()));
}

export default defineRule({
  id: 'missing-down-migration',
  meta: {
    category: 'history',
    severity: 'warning',
    summary: 'An up migration without a down, in a framework that rolls back with downs.',
    messages: {
      missing: 'Version {{version}} has no down migration ({{down}}): rolling back past it with {{framework}} fails here.',
      empty:
        'The down migration of version {{version}} ({{path}}) has no statements: rolling back past it changes nothing, yet {{framework}} records the version as undone.',
    },
    help: 'Write the down migration that undoes this one, say so in a comment when there is nothing to undo (`-- Nothing to undo: …`), or state that it cannot be undone (a down that raises an error).',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const { history, migration } = ctx;
    if (!history || !migration || migration.repeatable) return {};
    const withDowns = WITH_DOWNS.has(history.framework) || (history.framework === 'flyway' && history.downs.size > 0);
    if (!withDowns) return {};
    return {
      end() {
        const data = { version: migration.version, framework: FRAMEWORK_NAMES[history.framework], down: DOWN_NAME[history.framework] ?? 'a down migration' };
        const down = history.downs.get(migration.version);
        if (!down) {
          ctx.report({ messageId: 'missing', data });
          return;
        }
        if (history.statements(down).length === 0 && !saysNothingToUndo(history, down)) ctx.report({ messageId: 'empty', data: { ...data, path: down.path } });
      },
    };
  },
});
