/**
 * A generated step that takes a strong lock on an existing table starts with `SET lock_timeout`, as
 * the lock-timeout rule asks of any migration: a brief ACCESS EXCLUSIVE lock that queues behind a long
 * query is an outage however short the statement. The rule itself decides, so the two never disagree.
 */
import { resolveConfig, type ResolvedConfig } from '../config';
import { lint } from '../lint';
import { ALL_RULES } from '../rules';
import type { FrameworkId } from '../history/types';
import type { MigrationStep } from './types';

const LOCK_TIMEOUT_ONLY = Object.fromEntries(ALL_RULES.map((r) => [r.id, r.id === 'lock-timeout' ? 'warning' : 'off'] as const));

/**
 * SET LOCAL where the framework runs the step in a transaction: a session-wide setting would outlive
 * the migration on the runner's connection and make a later CREATE INDEX CONCURRENTLY give up while it
 * waits for old transactions. Plain histories may be run statement by statement, where SET LOCAL is
 * ignored, so they get the session-wide form unless the configuration says the runner wraps each file.
 */
export function withLockTimeout(step: MigrationStep, framework: FrameworkId, config: ResolvedConfig = resolveConfig()): MigrationStep {
  const inTransaction = !step.nonTransactional && (framework !== 'plain' || config.assumeInTransaction);
  const { findings } = lint(step.up, { config: { ...config, rules: LOCK_TIMEOUT_ONLY }, runsInTransaction: inTransaction });
  if (!findings.some((f) => f.rule === 'lock-timeout')) return step;
  return { ...step, up: `SET${inTransaction ? ' LOCAL' : ''} lock_timeout = '2s';\n${step.up}` };
}
