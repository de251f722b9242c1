/**
 * The flagged cases of the rule tests, as fix trials: which rules have a fix an editor can apply (an
 * autofix, or a multi-step rewrite plan), which of their invalid cases and findings to try, and the
 * migration history each trial runs in.
 *
 * The cases are read from test/rules/*.test.ts by the rule tester's collection mode (in a child
 * process, see fix-collect-cases.ts), so they are never copied here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLANNED_RULES, RULES_BY_ID } from '../../server/src/engine/index';
import { caseTitle, historyFiles, type CollectedCases, type ExpectedFinding, type InvalidCase } from '../rules/tester';
import { historyAdditionsSql, tablesSql } from './fix-setup-sql';

export type ActionKind = 'autofix' | 'plan';

/** One finding of one case, fixed with one kind of action. */
export interface FixTrial {
  id: number;
  rule: string;
  /** The case's title as the rule tests show it (made unique within the rule). */
  caseName: string;
  case: InvalidCase;
  /** Which of the case's expected findings (0-based). */
  finding: number;
  expected: ExpectedFinding;
  kind: ActionKind;
}

/** The kinds of action a rule's findings should get in the editor. */
export function actionKinds(rule: string): ActionKind[] {
  const kinds: ActionKind[] = [];
  if (RULES_BY_ID.get(rule)?.meta.fix === 'autofix') kinds.push('autofix');
  if (PLANNED_RULES.has(rule)) kinds.push('plan');
  return kinds;
}

/** The cases of every rule test, collected in a child process with the rule tester in collection mode. */
export function collectRuleCases(): CollectedCases[] {
  const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-rule-cases-'));
  try {
    const out = join(folder, 'cases.json');
    // Without the test runner's context: the child must not report to this test run.
    const env: NodeJS.ProcessEnv = { ...process.env, SAFE_MIGRATIONS_COLLECT_RULE_CASES: '1' };
    delete env.NODE_TEST_CONTEXT;
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fix-collect-cases.ts'), out], { cwd: join(__dirname, '..', '..'), env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    if (child.status !== 0) throw new Error(`collecting the rule cases failed (${child.status ?? child.signal}):\n${child.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8')) as CollectedCases[];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A trial per expected finding and action kind, for every rule that has a kind of action. */
export function fixTrials(collected: readonly CollectedCases[]): FixTrial[] {
  const trials: FixTrial[] = [];
  const titles = new Map<string, number>();
  for (const group of collected) {
    const kinds = actionKinds(group.ruleId);
    if (kinds.length === 0) continue;
    for (const c of group.invalid) {
      const base = `${group.ruleId}\u0000${caseTitle(c)}`;
      const seen = (titles.get(base) ?? 0) + 1;
      titles.set(base, seen);
      const caseName = seen === 1 ? caseTitle(c) : `${caseTitle(c)} (${seen})`;
      c.errors.forEach((expected, finding) => {
        for (const kind of kinds) trials.push({ id: trials.length, rule: group.ruleId, caseName, case: c, finding, expected, kind });
      });
    }
  }
  return trials;
}

/** Why a case cannot be laid out as a workspace at all, or undefined when it can. */
export function unreproducible(c: InvalidCase): string | undefined {
  if (c.applied !== undefined) return 'the case needs applied migrations (a base git ref or a database history table)';
  return undefined;
}

/** A history for one trial: files under the history folder, the file the case is, its configuration. */
export interface TrialHistory {
  /** How the setup was made, for reports: what was added to the case. */
  setup: string;
  /** Path → text, relative to the history folder. */
  files: Record<string, string>;
  /** The case's file, relative to the history folder. */
  path: string;
  /** The history's safe-migrations.config.json (its `migrations` folder is db/migrations). */
  config: Record<string, unknown>;
}

export const HISTORY_FOLDER = 'db/migrations';

/**
 * The candidate histories for a case, most plannable first: the tables the case uses created by a
 * first migration (tablesSql) and its own history completed (historyAdditionsSql), then without the
 * completion, then the case as the rule test wrote it. The caller keeps the first one in which the
 * rule flags exactly what the case expects.
 *
 * Layout: a history array runs as a plain history, as in the rule tests; a file with at most a
 * schema history runs as a plain history too (statement by statement), or as Flyway's (each file in
 * a transaction) when the case says the runner wraps it.
 */
export function candidateHistories(c: InvalidCase): TrialHistory[] {
  const base = { ...(c.config ?? {}), ...(c.pg === undefined ? {} : { postgresVersion: c.pg }), migrations: [HISTORY_FOLDER] };
  if (c.files !== undefined || Array.isArray(c.history)) {
    const { files, path } = historyFiles(c);
    const framework = c.framework ?? (c.files === undefined ? 'plain' : undefined);
    return [{ setup: 'the case as written', files, path, config: framework ? { ...base, framework } : base }];
  }
  const flyway = c.inTransaction === true;
  const config = { ...base, framework: flyway ? 'flyway' : 'plain' };
  const layOut = (parts: { slug: string; sql: string }[], setup: string): TrialHistory => {
    const name = (i: number, slug: string) => (flyway ? `V${i + 1}__${slug}.sql` : `${String(i + 1).padStart(3, '0')}_${slug}.sql`);
    const files = Object.fromEntries(parts.map((p, i) => [name(i, p.slug), p.sql]));
    const path = name(parts.length, 'current');
    return { setup, files: { ...files, [path]: c.sql }, path, config };
  };
  const history = c.history === undefined ? [] : [c.history];
  const tables = tablesSql(c.sql, history);
  const additions = c.history === undefined ? '' : historyAdditionsSql(c.history, c.sql);
  const out: TrialHistory[] = [];
  const setup = tables ? [{ slug: 'create_tables', sql: tables }] : [];
  const created = tables ? 'tables created first' : 'no tables created';
  if (additions) out.push(layOut([...setup, { slug: 'history', sql: `${c.history}\n${additions}` }], `${created}, keys and partitions added to the case history`));
  if (tables) out.push(layOut([...setup, ...history.map((sql) => ({ slug: 'history', sql }))], created));
  out.push(layOut(history.map((sql) => ({ slug: 'history', sql })), 'the case as written'));
  return out;
}
