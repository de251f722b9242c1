/**
 * The bundled example history (what `npm start` lints): every file parses, the hazardous migrations are
 * flagged by the rules that cover them, and the safe ones are clean.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pkg from '../../package.json';
import { RULES_BY_ID } from '../../server/src/engine/index';
import { parseJsonReport, ROOT, useBuiltCli } from './helpers';

const cli = useBuiltCli();
const EXAMPLES = 'examples/flyway';

/** The hazard each example migration demonstrates. */
const HAZARDS: Record<string, string[]> = {
  'V3__index_orders_user_id.sql': ['create-index-concurrently', 'lock-timeout'],
  'V4__add_orders_status.sql': ['add-column-not-null-no-default', 'lock-timeout'],
  'V5__rename_users_name.sql': ['rename-column', 'lock-timeout'],
  'V6__orders_user_fk.sql': ['constraint-not-valid', 'lock-timeout'],
  'V7__orders_total_bigint.sql': ['alter-column-type', 'lock-timeout'],
};
const SAFE = [
  'V1__create_users.sql',
  'V2__create_orders.sql',
  'V8__index_orders_created_at.sql',
  'V9__orders_total_check.sql',
  'V10__validate_orders_total_check.sql',
];

describe('examples/flyway', () => {
  const lintExamples = () => cli.run(['lint', '--format', 'json', EXAMPLES]);

  it('holds exactly the hazardous and safe migrations listed here', () => {
    const files = readdirSync(join(ROOT, EXAMPLES)).filter((f) => f.endsWith('.sql'));
    assert.deepEqual(files.sort(), [...Object.keys(HAZARDS), ...SAFE].sort());
  });

  it('parses, and flags each hazard whose rule is in the registry', () => {
    const run = lintExamples();
    assert.equal(run.status, 1, 'hazards are found, so a CI run fails');
    const findings = parseJsonReport(run.stdout);
    assert.deepEqual(findings.filter((f) => f.rule === 'syntax-error'), []);
    // create-index-concurrently is the engine's exemplar rule and always registered.
    assert.ok(findings.some((f) => f.file === `${EXAMPLES}/V3__index_orders_user_id.sql` && f.rule === 'create-index-concurrently'));
    for (const [file, rules] of Object.entries(HAZARDS)) {
      for (const rule of rules.filter((id) => RULES_BY_ID.has(id))) {
        assert.ok(findings.some((f) => f.file === `${EXAMPLES}/${file}` && f.rule === rule), `${file} is flagged by ${rule}`);
      }
    }
  });

  it('has no warning or error in the safe migrations', () => {
    const findings = parseJsonReport(lintExamples().stdout);
    const noisy = findings.filter((f) => SAFE.some((s) => f.file === `${EXAMPLES}/${s}`) && (f.severity === 'error' || f.severity === 'warning'));
    assert.deepEqual(noisy.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`), []);
  });

  it('is linted in version order', () => {
    const run = cli.run(['lint', '--format', 'json', '--fail-on', 'hint', EXAMPLES, '--pg-version', '14.2']);
    const order = [...new Set(parseJsonReport(run.stdout).map((f) => f.file))];
    const positions = order.map((f) => Number(/\/V(\d+)__/.exec(f)?.[1]));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
    assert.ok(positions.includes(8), 'V8 (CONCURRENTLY on 14.2) is flagged and listed');
  });

  it('`npm start` shows the findings as text and exits 0', () => {
    const start = pkg.scripts.start;
    const command = start.split('&&').map((s) => s.trim()).find((s) => s.startsWith('node dist/cli.js'));
    assert.ok(command, `npm start runs the CLI: ${start}`);
    const args = command.split(/\s+/).slice(2);
    assert.deepEqual(args, ['lint', '--exit-zero', EXAMPLES]);
    const run = cli.run(args);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /V3__index_orders_user_id\.sql:2:1 +warning +create-index-concurrently /);
    assert.match(run.stdout, /problems? \(.*\) in 10 files checked\.\n$/);
  });

  it('keeps its safe index outside a transaction the way Flyway expects', () => {
    const conf = readFileSync(join(ROOT, EXAMPLES, 'V8__index_orders_created_at.sql.conf'), 'utf8');
    assert.match(conf, /^executeInTransaction=false$/m);
  });
});
