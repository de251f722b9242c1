/**
 * A rule that throws on a statement must not take the file's other findings down with it: the lint
 * reports an `internalError` finding for that rule and statement and goes on, for visitors of a
 * statement kind and for visitors of every statement alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lint, loadPostgresParser, RULES_BY_ID, type Rule } from '../../server/src/engine/index';

const SQL = 'CREATE INDEX i ON t (c);\nSELECT 1;\nALTER TABLE t ADD COLUMN x int NOT NULL;\n';

describe('a rule that throws', () => {
  const rule = RULES_BY_ID.get('create-index-concurrently') as Rule;
  const original = rule.check;
  before(async () => {
    await loadPostgresParser();
    rule.check = () => ({
      IndexStmt: (index: { idxname?: string }) => {
        if (index.idxname === 'i') throw new Error('kind visitor broke');
      },
      any: (stmt: { kind: string }) => {
        if (stmt.kind === 'SelectStmt') throw new Error('any visitor broke');
      },
    });
  });
  after(() => {
    rule.check = original;
  });

  it('becomes an internalError finding on that statement, and the lint goes on', () => {
    const { findings } = lint(SQL);
    const failures = findings.filter((f) => f.messageId === 'internalError');
    assert.deepEqual(
      failures.map((f) => [f.rule, f.severity, SQL.slice(f.range.start, f.range.end), f.message]),
      [
        ['create-index-concurrently', 'info', 'CREATE INDEX i ON t (c)', 'Rule create-index-concurrently could not check this statement: kind visitor broke'],
        ['create-index-concurrently', 'info', 'SELECT 1', 'Rule create-index-concurrently could not check this statement: any visitor broke'],
      ],
    );
    // The statements after the failures were still linted by the other rules.
    const later = findings.filter((f) => f.range.start >= SQL.indexOf('ALTER')).map((f) => f.rule);
    assert.ok(later.includes('add-column-not-null-no-default'), JSON.stringify(later));
  });
});
