/** Reported by the linter itself for SQL PostgreSQL's parser rejects; the rest of the file is still linted. */
import { defineRule } from './define';

export default defineRule({
  id: 'syntax-error',
  meta: {
    category: 'syntax',
    severity: 'error',
    summary: 'SQL that PostgreSQL cannot parse.',
    messages: { syntaxError: 'PostgreSQL cannot parse this statement: {{message}}.' },
    help: 'Fix the syntax; the migration would fail at this statement.',
    fix: 'none',
  },
  check: () => ({}),
});
