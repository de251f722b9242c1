/**
 * Hostile and unusual files through the bundled CLI: each gives a clear finding (or, when empty, none)
 * instead of a crash, a hang or garbage positions. Large inputs are generated here, never committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseJsonReport, useBuiltCli, type JsonFinding } from '../cli/helpers';

const cli = useBuiltCli();
const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-robustness-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function lintFile(name: string, content: string | Uint8Array, timeoutMs = 30_000): { status: number | null; findings: JsonFinding[]; stderr: string } {
  writeFileSync(join(folder, name), content);
  const run = cli.run(['lint', '--format', 'json', name], { cwd: folder, timeoutMs });
  assert.equal(run.stderr, '', 'nothing on stderr');
  return { status: run.status, findings: parseJsonReport(run.stdout), stderr: run.stderr };
}

describe('unusual input files', () => {
  it('a 5 MB migration with huge statements is linted completely, with exact positions', () => {
    const lines: string[] = [];
    let indexes = 0;
    for (let i = 0; i < 20_000; i++) {
      lines.push(`ALTER TABLE t${i % 50} ADD COLUMN c${i} text;`);
      if (i % 10 === 0) {
        lines.push(`CREATE INDEX i${i} ON t${i % 50} (c${i});`);
        indexes++;
      }
    }
    // One 3.5 MB string inside a dollar-quoted body and one 1 MB INSERT: tokens far larger than usual.
    lines.push(`CREATE FUNCTION big() RETURNS text LANGUAGE sql AS $body$ SELECT '${'x'.repeat(3_500_000)}' $body$;`);
    lines.push(`INSERT INTO t0 (c0) VALUES ${Array.from({ length: 60_000 }, (_, k) => `('v${k}')`).join(', ')};`);
    lines.push('CREATE INDEX last_idx ON t1 (c1);');
    const text = `${lines.join('\n')}\n`;
    assert.ok(text.length >= 5_000_000, `${text.length} characters`);

    const { status, findings } = lintFile('big.sql', text, 60_000);
    assert.equal(status, 1);
    assert.deepEqual(findings.filter((f) => f.rule === 'syntax-error'), []);
    const indexFindings = findings.filter((f) => f.rule === 'create-index-concurrently');
    assert.equal(indexFindings.length, indexes + 1, 'every CREATE INDEX, including the one after the huge statements');
    const last = indexFindings.at(-1)!;
    assert.deepEqual([last.line, last.column, last.endLine, last.endColumn], [lines.length, 1, lines.length, 28]);
  });

  it('a file over the size limit is reported, not linted', () => {
    const statement = Buffer.from('CREATE INDEX i ON t (c);\n');
    const big = Buffer.alloc(21 * 1024 * 1024);
    for (let i = 0; i + statement.length <= big.length; i += statement.length) statement.copy(big, i);
    const started = Date.now();
    const { status, findings } = lintFile('huge.sql', big);
    assert.ok(Date.now() - started < 15_000, 'not read and parsed');
    assert.equal(status, 1);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.deepEqual([f.rule, f.severity, f.line, f.column], ['unreadable-file', 'error', 1, 1]);
    assert.match(f.message, /21\.0 MB, more than the 20\.0 MB limit .* not linted/);
  });

  it('a binary file is reported as binary', () => {
    // Deterministic pseudo-random bytes, NUL bytes included, like a compiled file saved as .sql.
    const bytes = new Uint8Array(64 * 1024);
    let seed = 42;
    for (let i = 0; i < bytes.length; i++) bytes[i] = seed = (seed * 1103515245 + 12345) & 0xff;
    bytes[10] = 0;
    const { status, findings } = lintFile('binary.sql', bytes);
    assert.equal(status, 1);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].rule, 'unreadable-file');
    assert.match(findings[0].message, /binary/);
  });

  it('an empty file, or one with only comments and blank lines, has no finding', () => {
    for (const [name, content] of [['empty.sql', ''], ['comments.sql', '-- nothing yet\n\n/* later */\n;\n']]) {
      const { status, findings } = lintFile(name, content);
      assert.equal(status, 0, name);
      assert.deepEqual(findings, [], name);
    }
  });

  it('an unterminated dollar quote is a syntax error at the opening quote', () => {
    const { status, findings } = lintFile('dollar.sql', 'CREATE INDEX i ON t (c);\nCREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\n');
    assert.equal(status, 1);
    const syntax = findings.filter((f) => f.rule === 'syntax-error');
    assert.equal(syntax.length, 1);
    assert.deepEqual([syntax[0].line, syntax[0].column], [2, 36]);
    assert.match(syntax[0].message, /unterminated/);
    assert.ok(findings.some((f) => f.rule === 'create-index-concurrently' && f.line === 1), 'the statement before it is still linted');
  });

  it('invalid UTF-8 is reported where it starts, and the rest is still linted', () => {
    const bytes = Buffer.concat([Buffer.from("SELECT 'é';\nSELECT '"), Buffer.from([0xff, 0xfe]), Buffer.from("';\nCREATE INDEX i ON t (c);\n")]);
    const { status, findings } = lintFile('latin1.sql', bytes);
    assert.equal(status, 1);
    const unreadable = findings.filter((f) => f.rule === 'unreadable-file');
    assert.equal(unreadable.length, 1);
    assert.deepEqual([unreadable[0].line, unreadable[0].column], [2, 9]);
    assert.match(unreadable[0].message, /not valid UTF-8/);
    assert.ok(findings.some((f) => f.rule === 'create-index-concurrently' && f.line === 3));
  });
});
