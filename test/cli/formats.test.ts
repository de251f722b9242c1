/** The four report formats of `safe-migrations lint`, produced by the bundled CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { configOnly, parseJsonReport, scratchFolder, useBuiltCli, ROOT } from './helpers';

const cli = useBuiltCli();

// Two findings in a.sql (line 3 and line 5), none in clean.sql; the odd file name and table name carry
// the characters GitHub's workflow commands must escape.
const folder = scratchFolder({
  'safe-migrations.config.json': configOnly(['create-index-concurrently']),
  'a.sql': "SET lock_timeout = '2s';\n\nCREATE INDEX orders_user_idx ON orders (user_id);\n\n  CREATE UNIQUE INDEX big_idx ON big (id);\n",
  'clean.sql': 'CREATE TABLE t (id bigint);\nCREATE INDEX t_id ON t (id);\n',
  'odd,name:100%.sql': 'CREATE INDEX i ON "50%_off" (c);\n',
});

describe('--format json', () => {
  it('prints exactly the documented shape with 1-based, end-exclusive positions', () => {
    const run = cli.run(['lint', '--format', 'json', 'a.sql', 'clean.sql'], { cwd: folder });
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['version', 'findings']);
    assert.equal(report.version, 1);
    assert.equal(report.findings.length, 2);
    const [first, second] = report.findings;
    assert.deepEqual(Object.keys(first), ['file', 'rule', 'severity', 'line', 'column', 'endLine', 'endColumn', 'message']);
    assert.deepEqual(
      { ...first, message: undefined },
      { file: 'a.sql', rule: 'create-index-concurrently', severity: 'warning', line: 3, column: 1, endLine: 3, endColumn: 39, message: undefined },
    );
    assert.match(first.message, /SHARE lock on orders/);
    // Leading spaces count: the statement starts in column 3.
    assert.deepEqual([second.line, second.column, second.endLine, second.endColumn], [5, 3, 5, 37]);
    // endColumn is exclusive: the range covers exactly "CREATE INDEX orders_user_idx ON orders".
    const line3 = readFileSync(join(folder, 'a.sql'), 'utf8').split('\n')[2];
    assert.equal(line3.slice(first.column - 1, first.endColumn - 1), 'CREATE INDEX orders_user_idx ON orders');
  });

  it('names files relative to the current folder, as given', () => {
    const run = cli.run(['lint', '--format', 'json', join(folder, 'a.sql')], { cwd: ROOT });
    const files = new Set(parseJsonReport(run.stdout).map((f) => f.file));
    assert.deepEqual([...files], [join(folder, 'a.sql')], 'a file outside the current folder keeps its absolute path');
    const inside = cli.run(['lint', '--format', 'json', folder], { cwd: join(folder, '..') });
    const name = folder.split('/').pop()!;
    assert.deepEqual([...new Set(parseJsonReport(inside.stdout).map((f) => f.file))], [`${name}/a.sql`, `${name}/odd,name:100%.sql`]);
  });

  it('prints an empty list and exits 0 for clean files', () => {
    const run = cli.run(['lint', '--format', 'json', 'clean.sql'], { cwd: folder });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '{"version":1,"findings":[]}\n');
  });
});

describe('--format text', () => {
  it('groups by file, shows the safe alternative and a summary, without colour when piped', () => {
    const run = cli.run(['lint', 'a.sql', 'clean.sql'], { cwd: folder });
    assert.equal(run.status, 1);
    const lines = run.stdout.split('\n');
    assert.match(lines[0], /^a\.sql:3:1 {2}warning {2}create-index-concurrently {2}CREATE INDEX takes a SHARE lock on orders/);
    assert.match(lines[1], /^ {4}→ Use CREATE INDEX CONCURRENTLY/);
    assert.match(lines[2], /^a\.sql:5:3 {2}warning {2}create-index-concurrently {2}/);
    assert.equal(lines.at(-2), '2 problems (0 errors, 2 warnings, 0 info, 0 hints) in 2 files checked.');
    assert.ok(!run.stdout.includes('\x1b['), 'no ANSI escapes in a pipe');
  });

  it('says so when there is nothing to report', () => {
    const run = cli.run(['lint', 'clean.sql'], { cwd: folder });
    assert.equal(run.stdout, 'No problems found in 1 file checked.\n');
  });

  it('colours a terminal unless NO_COLOR is set', () => {
    // `script` gives the CLI a real pseudo-terminal as stdout.
    const inTerminal = (env: NodeJS.ProcessEnv) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${cli.path()}" lint a.sql`, '/dev/null'], { cwd: folder, env, encoding: 'utf8' }).stdout;
    const base = { ...process.env };
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    assert.ok(inTerminal(base).includes('\x1b[33mwarning'), 'warnings are yellow on a terminal');
    const plain = inTerminal({ ...base, NO_COLOR: '1' });
    assert.match(plain, /warning {2}create-index-concurrently/);
    assert.ok(!plain.includes('\x1b['), 'NO_COLOR turns colour off');
  });
});

describe('--format github', () => {
  it('prints one escaped workflow command per finding', () => {
    const run = cli.run(['lint', '--format', 'github', 'a.sql', 'odd,name:100%.sql'], { cwd: folder });
    assert.equal(run.status, 1);
    const json = parseJsonReport(cli.run(['lint', '--format', 'json', 'a.sql', 'odd,name:100%.sql'], { cwd: folder }).stdout);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, json.length);
    lines.forEach((line, i) => {
      const m = /^::(error|warning|notice) file=([^,:]*),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^,:]+)::(.*)$/.exec(line);
      assert.ok(m, `not a workflow command: ${line}`);
      const f = json[i];
      assert.deepEqual(m.slice(1, 8), ['warning', escapeProperty(f.file), `${f.line}`, `${f.column}`, `${f.endLine}`, `${f.endColumn}`, f.rule]);
      assert.equal(unescape(m[2]), f.file);
      const message = unescape(m[8]);
      assert.ok(message.startsWith(`${f.message}\n→ `), `message then the safe alternative: ${message}`);
    });
    assert.ok(lines[2].startsWith('::warning file=odd%2Cname%3A100%25.sql,'), lines[2]);
    assert.match(lines[2], /::.*50%25_off/, 'a % in the message is escaped');
    assert.doesNotMatch(lines[2].split('::')[2], /%(?!25|0A|0D)/, 'no unescaped % in the message');
  });
});

describe('--format sarif', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const run = cli.run(['lint', '--format', 'sarif', 'a.sql', 'odd,name:100%.sql', 'clean.sql'], { cwd: folder });
    assert.equal(run.status, 1);
    const log = JSON.parse(run.stdout);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The official schema's `language` pattern is not valid with the u flag ("[a-zA-Z]{2}]?"): compile
    // patterns as plain JavaScript regular expressions, as the schema's authors did.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv); // uri, uri-reference, date-time are checked too
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // The example history with every rule on: many rules, levels and doc pages in one log.
    const examples = JSON.parse(cli.run(['lint', '--format', 'sarif', 'examples/flyway'], { cwd: ROOT }).stdout);
    assert.ok(examples.runs[0].results.length > 1);
    assert.ok(validate(examples), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it('describes each rule and locates each result', () => {
    const log = JSON.parse(cli.run(['lint', '--format', 'sarif', 'a.sql', 'odd,name:100%.sql'], { cwd: folder }).stdout);
    const run = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'safe-migrations');
    const [rule] = run.tool.driver.rules;
    assert.equal(rule.id, 'create-index-concurrently');
    assert.match(rule.shortDescription.text, /CONCURRENTLY/);
    assert.match(rule.help.markdown, /^# create-index-concurrently\n/, 'help carries the rule doc page');
    assert.equal(run.results.length, 3);
    const [first, , odd] = run.results;
    assert.equal(first.ruleId, 'create-index-concurrently');
    assert.equal(first.level, 'warning');
    assert.deepEqual(first.locations[0].physicalLocation, {
      artifactLocation: { uri: 'a.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 39 },
    });
    assert.equal(odd.locations[0].physicalLocation.artifactLocation.uri, 'odd%2Cname%3A100%25.sql', 'a relative URI reference');
  });
});

function escapeProperty(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function unescape(text: string): string {
  return text.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
}
