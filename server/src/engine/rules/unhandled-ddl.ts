/**
 * Reported beside a history's findings (by the CLI and the language server) for a migration with DDL
 * the schema model does not follow: later verdicts are made without that statement's effect.
 */
import { defineRule } from './define';

export default defineRule({
  id: 'unhandled-ddl',
  meta: {
    category: 'syntax',
    severity: 'info',
    summary: 'A migration whose DDL the replayed schema model does not follow, so later verdicts may miss its effect.',
    messages: {
      unhandled:
        'The schema model does not follow {{count}} of this migration: {{kinds}}. Later migrations are checked as if {{them}} had no effect on the schema, so verdicts about the objects {{them}} change may be off.',
    },
    help: 'Nothing to change in the migration: check later findings about the objects these statements change by hand, or run a dry run against a real database.',
    fix: 'none',
  },
  check: () => ({}),
});
