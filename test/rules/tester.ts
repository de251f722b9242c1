/**
 * Rule tester: `valid` SQL must give no finding of the rule; each `invalid` case must give exactly the
 * listed findings of the rule (message id and 1-based line/column range), nothing more.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lint, LineIndex, loadPostgresParser, parseFile, resolveConfig, RULES_BY_ID, SchemaModel, type Finding, type ProjectConfig } from '../../server/src/engine/index';
import { applyEdits, editsOfFindings } from '../../server/src/engine/fixes/apply-fixes';
import { lintHistory } from '../../server/src/engine/history/lint-history';
import { loadHistory } from '../../server/src/engine/history/load';
import type { FrameworkId, MigrationSource } from '../../server/src/engine/history/types';
import type { AppliedMigrations } from '../../server/src/engine/history/view';

/** An earlier migration of a history: its file name and SQL. */
export interface HistoryFile {
  path: string;
  sql: string;
}

export interface ValidCase {
  sql: string;
  name?: string;
  /** Target server version, e.g. 11 or "14.2" (default 16). */
  pg?: number | string;
  config?: ProjectConfig;
  /** The framework runs the file in a transaction. */
  inTransaction?: boolean;
  /**
   * Earlier migrations. A string is replayed into the schema model the file is linted against (the
   * rules see no history view). An array is laid out as a plain history (`001_history.sql`, … or the
   * paths given) and linted in order through the history layer, the case's `sql` last.
   */
  history?: string | (string | HistoryFile)[];
  /**
   * A history as a framework lays it out, path → text; the case's `sql` is the file at `path` (which
   * `files` may leave out). Linted through the history layer; `framework` forces the layout.
   */
  files?: Record<string, string>;
  path?: string;
  framework?: FrameworkId;
  /** Versions (and contents) already merged or applied, for the history rules. */
  applied?: AppliedMigrations;
}

export interface ExpectedFinding {
  messageId?: string;
  /** 1-based, inclusive start; endColumn is exclusive (as in the CLI's JSON). */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Substrings the message must contain. */
  messageIncludes?: string[];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /**
   * The file after applying the autofixes of this rule's findings (one pass, overlapping ones skipped).
   * The output must parse, keep only the findings that had no autofix, and be stable: fixing it again
   * changes nothing. Equal to `sql` states that no autofix is offered.
   */
  output?: string;
}

export interface Located extends Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function lintForTest(c: ValidCase): Located[] {
  const config = resolveConfig(c.config, c.pg === undefined ? undefined : { postgresVersion: c.pg });
  const findings =
    c.files !== undefined || Array.isArray(c.history)
      ? lintAsHistory(c, config)
      : lint(c.sql, { config, runsInTransaction: c.inTransaction, schema: typeof c.history === 'string' ? replayHistory(c.history) : undefined }).findings;
  const lines = new LineIndex(c.sql);
  return findings.map((f) => {
    const s = lines.position(f.range.start);
    const e = lines.position(f.range.end);
    return { ...f, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  });
}

/** The files of a history case: the earlier migrations and the file under test, with its path. */
export function historyFiles(c: ValidCase): { files: Record<string, string>; path: string } {
  if (c.files !== undefined) {
    if (!c.path) throw new Error('a case with files needs the path of the file under test');
    return { files: { ...c.files, [c.path]: c.sql }, path: c.path };
  }
  const earlier = (c.history as (string | HistoryFile)[]).map((h, i) => (typeof h === 'string' ? { path: `${String(i + 1).padStart(3, '0')}_history.sql`, sql: h } : h));
  const path = c.path ?? `${String(earlier.length + 1).padStart(3, '0')}_current.sql`;
  return { files: { ...Object.fromEntries(earlier.map((h) => [h.path, h.sql])), [path]: c.sql }, path };
}

function lintAsHistory(c: ValidCase, config: ReturnType<typeof resolveConfig>): Finding[] {
  const { files, path } = historyFiles(c);
  const source: MigrationSource = { list: () => Object.keys(files), read: (p) => files[p] };
  const history = loadHistory(source, c.framework ?? (c.files === undefined ? 'plain' : undefined));
  const { migrations } = lintHistory(history, source, config, { applied: c.applied });
  const mine = migrations.filter((m) => m.migration.path === path);
  if (mine.length === 0) throw new Error(`${path} is not an up migration of the ${history.framework} history laid out by the case`);
  return mine.flatMap((m) => m.result.findings);
}

/** The schema model after the given migrations, as the history layer builds it. */
export function replayHistory(sql: string): SchemaModel {
  const schema = new SchemaModel();
  for (const stmt of parseFile(sql).statements) schema.apply(stmt, 'history');
  return schema;
}

/** The case's SQL with the autofixes of the rule's findings applied, and how many findings had none. */
export function applyRuleAutofixes(c: ValidCase, ruleId: string): { output: string; unfixed: number } {
  const found = lintForTest(c).filter((f) => f.rule === ruleId);
  const { edits, applied } = editsOfFindings(found);
  return { output: applyEdits(c.sql, edits), unfixed: found.length - applied.length };
}

function checkOutput(c: InvalidCase, ruleId: string, expected: string): void {
  const { output, unfixed } = applyRuleAutofixes(c, ruleId);
  assert.equal(output, expected, 'text after the autofixes');
  if (expected === c.sql) return;
  const after = lintForTest({ ...c, sql: output });
  assert.deepEqual(after.filter((f) => f.rule === 'syntax-error').map((f) => f.message), [], 'the fixed SQL must parse');
  const left = after.filter((f) => f.rule === ruleId);
  assert.equal(left.length, unfixed, `the autofixes must silence the rule, left: ${left.map((f) => `${f.line}:${f.column} ${f.message}`).join(' | ')}`);
  assert.equal(applyRuleAutofixes({ ...c, sql: output }, ruleId).output, output, 'fixing the output again must change nothing');
}

/** A case's name in test titles: its own, else its SQL on one line. */
export const caseTitle = (c: ValidCase): string => c.name ?? (c.sql.length > 70 ? `${c.sql.slice(0, 67).replace(/\s+/g, ' ')}…` : c.sql.replace(/\s+/g, ' '));

/** The cases one ruleTester call was given, recorded instead of tested in collection mode. */
export interface CollectedCases {
  ruleId: string;
  valid: (string | ValidCase)[];
  invalid: InvalidCase[];
}

const collected: CollectedCases[] | undefined = process.env.SAFE_MIGRATIONS_COLLECT_RULE_CASES === '1' ? [] : undefined;

/**
 * Collection mode (SAFE_MIGRATIONS_COLLECT_RULE_CASES=1): importing a rule test file records its cases
 * here instead of registering tests, so that other suites can replay the same fixtures elsewhere (e.g.
 * through the language server) without copying them. Undefined outside collection mode.
 */
export function collectedRuleCases(): readonly CollectedCases[] | undefined {
  return collected;
}

export function ruleTester(ruleId: string, cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
  if (collected) {
    collected.push({ ruleId, ...cases });
    return;
  }
  describe(`rule ${ruleId}`, () => {
    before(() => loadPostgresParser());
    it('is registered', () => assert.ok(RULES_BY_ID.has(ruleId), `${ruleId} is not in the rule registry`));
    for (const raw of cases.valid) {
      const c = typeof raw === 'string' ? { sql: raw } : raw;
      it(`valid: ${caseTitle(c)}`, () => {
        const found = lintForTest(c).filter((f) => f.rule === ruleId);
        assert.deepEqual(found.map((f) => `${f.line}:${f.column} ${f.message}`), [], 'expected no finding');
        assert.equal(lintForTest(c).filter((f) => f.rule === 'syntax-error').length, 0, 'valid SQL must parse');
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${caseTitle(c)}`, () => {
        const found = lintForTest(c).filter((f) => f.rule === ruleId);
        assert.equal(found.length, c.errors.length, `expected ${c.errors.length} finding(s), got: ${found.map((f) => `${f.line}:${f.column} ${f.message}`).join(' | ') || 'none'}`);
        c.errors.forEach((expected, i) => {
          const f = found[i];
          if (expected.messageId) assert.equal(f.messageId, expected.messageId);
          assert.equal(`${f.line}:${f.column}`, `${expected.line}:${expected.column}`, 'start');
          if (expected.endLine !== undefined || expected.endColumn !== undefined) {
            assert.equal(`${f.endLine}:${f.endColumn}`, `${expected.endLine ?? expected.line}:${expected.endColumn}`, 'end');
          }
          assert.doesNotMatch(f.message, /\{\{/, 'message has an unfilled placeholder');
          for (const part of expected.messageIncludes ?? []) assert.ok(f.message.includes(part), `message "${f.message}" lacks "${part}"`);
        });
        if (c.output !== undefined) checkOutput(c, ruleId, c.output);
      });
    }
  });
}
