/**
 * Checks a rule's fixes: each case's SQL has exactly one finding of the rule; applying its fix gives
 * the expected text, which must parse and must not be flagged by the rule again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser, type Fix } from '../../server/src/engine/index';
import { lintForTest, type ValidCase } from './tester';

export interface FixCase extends ValidCase {
  output: string;
}

export function applyFix(sql: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.range.start - a.range.start);
  return edits.reduce((text, e) => text.slice(0, e.range.start) + e.newText + text.slice(e.range.end), sql);
}

export function fixTester(ruleId: string, kind: Fix['kind'], cases: FixCase[]): void {
  const config = (c: ValidCase): ValidCase => ({ ...c, config: c.config ?? { rules: { [ruleId]: 'info' } } });
  describe(`rule ${ruleId} fixes`, () => {
    before(() => loadPostgresParser());
    for (const c of cases) {
      it(`fixes: ${c.name ?? c.sql.replace(/\s+/g, ' ')}`, () => {
        const found = lintForTest(config(c)).filter((f) => f.rule === ruleId);
        assert.equal(found.length, 1, `expected one finding, got ${found.length}`);
        const fix = found[0].fixes?.[0];
        assert.ok(fix, 'the finding offers no fix');
        assert.equal(fix.kind, kind);
        const output = applyFix(c.sql, fix);
        assert.equal(output, c.output);
        const after = lintForTest(config({ ...c, sql: output }));
        assert.deepEqual(after.filter((f) => f.rule === 'syntax-error').map((f) => f.message), [], 'the fixed SQL must parse');
        assert.deepEqual(after.filter((f) => f.rule === ruleId).map((f) => f.message), [], 'the fix must silence the rule');
      });
    }
  });
}
