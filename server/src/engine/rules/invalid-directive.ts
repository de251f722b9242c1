/** Reported by the linter for `safe-migrations-ignore` comments that name no rule or an unknown one. */
import { defineRule } from './define';

export default defineRule({
  id: 'invalid-directive',
  meta: {
    category: 'syntax',
    severity: 'warning',
    summary: 'A safe-migrations-ignore comment that names no rule, or a rule that does not exist.',
    messages: {
      unknownRule: 'Unknown rule "{{rule}}" in a safe-migrations-ignore comment: it suppresses nothing.',
      noRules: 'This safe-migrations-ignore comment names no rule, so it suppresses nothing.',
    },
    help: 'Name the rule ids to ignore, e.g. `-- safe-migrations-ignore create-index-concurrently`.',
    fix: 'none',
  },
  check: () => ({}),
});
