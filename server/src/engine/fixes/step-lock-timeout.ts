/**
 * A generated step that takes a strong lock on an existing table starts with `SET lock_timeout`, as
 * the lock-timeout rule asks of any migration: a brief ACCESS EXCLUSIVE lock that queues behind a long
 * query is an outage however short the statement. The rule itself decides, so the two never disagree.
 */
import { resolveConfig, type ResolvedConfig } from '../config';
import { lint } from '../lint';
import { ALL_RULES } from '../rules';
import type { MigrationStep } from './types';

const LOCK_TIMEOUT_ONLY = Object.fromEntries(ALL_RULES.map((r) => [r.id, r.id === 'lock-timeout' ? 'warning' : 'off'] as const));
const SET_LOCK_TIMEOUT = "SET lock_timeout = '2s';";

export function withLockTimeout(step: MigrationStep, config: ResolvedConfig = resolveConfig()): MigrationStep {
  const { findings } = lint(step.up, { config: { ...config, rules: LOCK_TIMEOUT_ONLY }, runsInTransaction: !step.nonTransactional });
  if (!findings.some((f) => f.rule === 'lock-timeout')) return step;
  return { ...step, up: `${SET_LOCK_TIMEOUT}\n${step.up}` };
}
