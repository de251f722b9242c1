/** Reported by the linter for files that are not UTF-8 text, and by the CLI for files too large to lint. */
import { defineRule } from './define';

export default defineRule({
  id: 'unreadable-file',
  meta: {
    category: 'syntax',
    severity: 'error',
    summary: 'A migration file that is binary, not valid UTF-8 or too large to lint.',
    messages: {
      binary: 'This file contains NUL bytes: it is binary, not SQL, and was not linted.',
      invalidUtf8: 'This file is not valid UTF-8 from here on; PostgreSQL will reject it under a UTF-8 client encoding.',
      tooLarge: 'This file is {{size}}, more than the {{limit}} limit for one migration, and was not linted; split it into smaller migrations.',
    },
    help: 'Save the migration as UTF-8 text.',
    fix: 'none',
  },
  check: () => ({}),
});
