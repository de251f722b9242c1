/**
 * A new migration whose version sorts before one already merged or applied. On a database that ran
 * the later one, some tools never apply it, some refuse to run, and the rest apply it out of order, so
 * databases end up with the migrations applied in different orders.
 */
import { compareVersions } from '../history/version';
import type { FrameworkId } from '../history/types';
import { defineRule } from './define';
import { POSITIONAL } from './helpers/history-rules';

const CONSEQUENCE: Partial<Record<FrameworkId, string>> = {
  flyway: 'Flyway refuses to migrate databases that have it ("Detected resolved migration not applied to database") unless outOfOrder is enabled',
  'golang-migrate': 'golang-migrate never applies it to databases that have it: it only runs versions above the current one',
  goose: 'goose refuses to run on databases that have it ("missing migrations") unless --allow-missing is given',
  atlas: 'Atlas refuses to run on databases that have it unless --exec-order non-linear is given',
  supabase: 'supabase db push refuses it on databases that have it unless --include-all is given',
};

export default defineRule({
  id: 'out-of-order-version',
  meta: {
    category: 'history',
    severity: 'error',
    summary: 'A new migration whose version sorts before one already merged or applied.',
    messages: {
      outOfOrder: 'Version {{version}} sorts before {{latest}}, which is already merged or applied: {{consequence}}.',
    },
    help: 'Rename the migration so that its version sorts after {{latest}} (a new timestamp), so that every database applies the migrations in the same order.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const { history, migration } = ctx;
    const applied = history?.applied;
    if (!history || !migration || !applied || migration.repeatable || POSITIONAL.has(history.framework)) return {};
    if (applied.versions.has(migration.version)) return {};
    return {
      end() {
        let latest: string | undefined;
        for (const v of applied.versions) if (latest === undefined || compareVersions(v, latest) > 0) latest = v;
        if (latest === undefined || compareVersions(migration.version, latest) >= 0) return;
        const consequence =
          CONSEQUENCE[history.framework] ??
          'databases that already have it apply this one after it, fresh databases before it, so the two orders must give the same schema';
        ctx.report({ messageId: 'outOfOrder', data: { version: migration.version, latest, consequence } });
      },
    };
  },
});
