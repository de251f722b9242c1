/**
 * Ties the catalog together: every rule id has a module of the same name, a rule-tester test and a doc
 * page; every doc's "Instead of" examples are flagged by its rule and its "Use" examples are not.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ALL_RULES, loadPostgresParser, type ProjectConfig } from '../../server/src/engine/index';
import { loadHistory } from '../../server/src/engine/history/load';
import { lintForTest, type ValidCase } from './tester';

const root = join(__dirname, '..', '..');
const rulesDir = join(root, 'server', 'src', 'engine', 'rules');
const docsDir = join(root, 'server', 'docs', 'rules');
const testsDir = __dirname;

/** The catalog's ids per HAZARDS.md section that this product implements (PostgreSQL, single file). */
export const EXPECTED_IDS = [
  // locking and rewrites
  'add-column-not-null-no-default', 'add-column-volatile-default', 'add-column-serial', 'add-column-stored-generated',
  'add-column-inline-constraint', 'set-not-null', 'alter-column-type', 'constraint-not-valid', 'validate-same-transaction',
  'add-unique-constraint', 'add-primary-key', 'add-exclusion-constraint', 'create-index-concurrently', 'drop-index-concurrently',
  'reindex-concurrently', 'partitioned-index', 'attach-partition', 'detach-partition', 'table-rewrite', 'refresh-matview',
  'truncate', 'domain-constraint', 'fk-missing-index', 'json-column', 'enum-add-value',
  // transactions and timeouts
  'concurrently-in-transaction', 'lock-timeout', 'statement-timeout', 'exclusive-lock-held', 'multiple-alter-table',
  'transaction-nesting', 'unbatched-backfill', 'mixed-ddl-dml',
  // compatibility and data loss
  'rename-column', 'rename-table', 'drop-column', 'drop-table', 'drop-schema-or-database', 'drop-cascade', 'drop-not-null',
  // across migrations and the migration history
  'contract-without-expand', 'expand-and-contract-same-migration', 'constrain-before-backfill', 'drop-sync-trigger-unverified',
  'duplicate-version', 'out-of-order-version', 'modified-applied-migration', 'missing-down-migration',
  // conventions
  'prefer-bigint', 'prefer-identity', 'prefer-text', 'prefer-timestamptz', 'ban-char', 'idempotent-ddl',
  // reported by the linter itself
  'syntax-error', 'invalid-directive', 'unreadable-file', 'unhandled-ddl',
];

interface DocExample {
  kind: 'instead' | 'use';
  sql: string;
  pg?: string;
  /**
   * A history example: consecutive ```sql file=PATH blocks of one paragraph lay out migration files,
   * the last one is linted; a block marked `merged` is that file as already merged (its version counts
   * as applied and its text as the merged content).
   */
  history?: { files: Record<string, string>; path: string; merged: Map<string, string> };
}

/** "Instead of:" / "Use:" paragraphs followed by ```sql blocks (```sql pg=11 sets the server version). */
function docExamples(markdown: string): DocExample[] {
  const out: DocExample[] = [];
  let current: DocExample['kind'] | undefined;
  let group: DocExample | undefined;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^Instead of\b/i.test(line)) current = 'instead';
    else if (/^Use\b/i.test(line)) current = 'use';
    else if (/^#/.test(line)) current = undefined;
    if (line.trim() && !line.startsWith('```')) group = undefined;
    const fence = /^```sql(?:\s+pg=([\d.]+))?(?:\s+file=(\S+))?(\s+merged)?\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      if (!current) continue;
      const sql = body.join('\n');
      const [, pg, file, merged] = fence;
      if (!file) {
        out.push({ kind: current, sql, pg });
        continue;
      }
      if (!group) out.push((group = { kind: current, sql: '', pg, history: { files: {}, path: file, merged: new Map() } }));
      if (merged) group.history!.merged.set(file, sql);
      else {
        group.history!.files[file] = sql;
        group.history!.path = file;
        group.sql = sql;
      }
    }
  }
  return out;
}

/** The example as a rule-tester case. */
function exampleCase(ex: DocExample, config: ProjectConfig): ValidCase {
  if (!ex.history) return { sql: ex.sql, pg: ex.pg, config };
  const { files, path, merged } = ex.history;
  const all = { ...Object.fromEntries(merged), ...files };
  const applied = merged.size
    ? { versions: new Set(loadHistory({ list: () => Object.keys(all), read: (p) => all[p] }).migrations.filter((m) => merged.has(m.path)).map((m) => m.version)), contentByPath: merged }
    : undefined;
  const others = Object.fromEntries(Object.entries(all).filter(([p]) => p !== path));
  return { sql: files[path], pg: ex.pg, config, files: others, path, applied };
}

describe('rule catalog', () => {
  before(() => loadPostgresParser());
  const ids = ALL_RULES.map((r) => r.id);

  it('has exactly the ids of the hazard catalog, once each', () => {
    assert.deepEqual([...ids].sort(), [...EXPECTED_IDS].sort());
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      it('has a module, a test file and a doc page of the same name', () => {
        assert.ok(existsSync(join(rulesDir, `${rule.id}.ts`)), `server/src/engine/rules/${rule.id}.ts`);
        assert.ok(existsSync(join(testsDir, `${rule.id}.test.ts`)) || rule.meta.category === 'syntax', `test/rules/${rule.id}.test.ts`);
        assert.ok(existsSync(join(docsDir, `${rule.id}.md`)), `server/docs/rules/${rule.id}.md`);
      });
      it('has a complete doc page whose examples hold', () => {
        const doc = readFileSync(join(docsDir, `${rule.id}.md`), 'utf8');
        assert.match(doc, new RegExp(`^# ${rule.id}\\n`), 'title is the rule id');
        for (const section of ['## Problem', '## Safe alternative', '## Examples']) assert.ok(doc.includes(section), `lacks ${section}`);
        if (rule.meta.category !== 'syntax') {
          assert.ok(doc.includes('## Lock') || rule.meta.category === 'convention' || rule.meta.category === 'history', 'lacks ## Lock');
        }
        const examples = docExamples(doc);
        if (rule.meta.category !== 'syntax') {
          assert.ok(examples.some((e) => e.kind === 'instead'), 'no "Instead of" example');
          assert.ok(examples.some((e) => e.kind === 'use'), 'no "Use" example');
        }
        // Convention rules are off by default: switch the rule on to test its examples.
        const config = { rules: { [rule.id]: rule.meta.severity === 'off' ? ('info' as const) : rule.meta.severity } };
        for (const ex of examples) {
          const found = lintForTest(exampleCase(ex, config));
          const mine = found.filter((f) => f.rule === rule.id);
          if (ex.kind === 'instead') assert.ok(mine.length > 0, `"Instead of" example is not flagged:\n${ex.sql}`);
          else assert.deepEqual(mine.map((f) => f.message), [], `"Use" example is flagged:\n${ex.sql}`);
          if (rule.id !== 'syntax-error') assert.deepEqual(found.filter((f) => f.rule === 'syntax-error').map((f) => f.message), [], `example does not parse:\n${ex.sql}`);
        }
      });
    });
  }

  it('has no doc page or test without a rule', () => {
    const known = new Set(ids);
    for (const f of readdirSync(docsDir)) assert.ok(known.has(f.replace(/\.md$/, '')), `stray doc ${f}`);
    for (const f of readdirSync(testsDir).filter((n) => n.endsWith('.test.ts') && n !== 'catalog.test.ts')) {
      assert.ok(known.has(f.replace(/\.test\.ts$/, '')), `stray test ${f}`);
    }
  });
});
