/**
 * Replays every PostgreSQL history of the shared corpus through the history layer (framework
 * detection over the file system source the CLI and the language server use, then lintHistory) and
 * reports, per history, how many statements the schema model could not follow. The model must follow
 * nearly all DDL, and no rule may fail on a statement.
 *
 * A history that is a schema dump rather than migrations (lago's structure.sql) is replayed as one
 * migration: a pg_dump exercises the model with more statement kinds than most histories.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadPostgresParser, ParseCache, resolveConfig } from '../../server/src/engine/index';
import { lintHistory } from '../../server/src/engine/history/lint-history';
import { loadHistory } from '../../server/src/engine/history/load';
import type { History } from '../../server/src/engine/history/types';
import { FolderMigrationSource } from '../../server/src/node/migration-source';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'postgres');

/**
 * The share of DDL statements the model may leave unhandled in any one history. Measured on the
 * corpus (9 histories, about 7,400 DDL statements): 0 in crates.io, lago's 2,670-statement pg_dump,
 * both ory histories; lemmy 5 of 2,249 (CREATE STATISTICS); temporal 2 of 206 and supabase-storage 10
 * of 261 (EXECUTE of dynamic SQL in DO blocks, unknowable without running them); supabase-postgres 19
 * of 226 (8.4%: event triggers and a publication, database-wide objects the model does not keep).
 * 10% leaves that last one a little room and still fails on any real gap in a table-centred history.
 * Templated DO blocks whose body cannot parse (supabase-auth's `{{ index .Options "Namespace" }}`) are
 * not counted: the template tool, not the model, owns them.
 */
const MAX_UNHANDLED_SHARE = 0.1;
/** Across the whole corpus (37 of about 7,400 today, 0.5%) the model must follow all but 1% of the DDL. */
const MAX_TOTAL_SHARE = 0.01;

/** Statements that change data or the session, not the schema. */
const NOT_DDL = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'MergeStmt', 'TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'CopyStmt', 'PsqlMeta', 'CopyData', 'SyntaxError', 'Empty']);
const TEMPLATE_DO = 'DoStmt (body does not parse)';

interface Replay {
  framework: string;
  migrations: number;
  statements: number;
  ddl: number;
  syntaxErrors: number;
  unhandled: Map<string, number>;
  internalErrors: string[];
  ms: number;
}

function replay(folder: string, cache: ParseCache): Replay {
  const started = performance.now();
  const source = new FolderMigrationSource(folder);
  let history: History = loadHistory(source);
  if (history.migrations.length === 0) {
    // A schema dump: every .sql file as one migration.
    const sql = source.list().filter((p) => p.endsWith('.sql'));
    history = { framework: 'plain', downs: new Map(), problems: [], migrations: sql.map((path) => ({ path, version: '0', name: path, direction: 'up', sections: [{ start: 0, end: source.read(path)?.length ?? 0 }], transaction: 'none', transactionReason: 'a schema dump' })) };
  }
  const result = lintHistory(history, source, resolveConfig(), { cache });
  const out: Replay = { framework: history.framework, migrations: history.migrations.length, statements: 0, ddl: 0, syntaxErrors: 0, unhandled: result.unhandled, internalErrors: [], ms: 0 };
  for (const { migration, result: lint } of result.migrations) {
    for (const stmt of lint.file.statements) {
      out.statements++;
      if (stmt.kind === 'SyntaxError') out.syntaxErrors++;
      if (!NOT_DDL.has(stmt.kind)) out.ddl++;
    }
    for (const f of lint.findings) if (f.messageId === 'internalError') out.internalErrors.push(`${migration.path}: ${f.message}`);
  }
  out.ms = Math.round(performance.now() - started);
  return out;
}

const counted = (r: Replay) => [...r.unhandled].filter(([kind]) => kind !== TEMPLATE_DO).reduce((n, [, c]) => n + c, 0);

describe('replaying the PostgreSQL corpus into the schema model', () => {
  const histories = existsSync(CORPUS) ? readdirSync(CORPUS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
  const replays = new Map<string, Replay>();

  before(async () => {
    await loadPostgresParser();
    const cache = new ParseCache(100_000);
    for (const name of histories) replays.set(name, replay(join(CORPUS, name), cache));
    const rows = [...replays].map(([name, r]) => {
      const kinds = [...r.unhandled].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
      return `${name.padEnd(18)} ${r.framework.padEnd(14)} ${String(r.migrations).padStart(4)} migrations ${String(r.statements).padStart(5)} statements ${String(r.ddl).padStart(5)} DDL ${String(r.syntaxErrors).padStart(4)} syntax errors ${String(counted(r)).padStart(3)} unhandled (${kinds}) ${r.ms} ms`;
    });
    console.log(`\n${rows.join('\n')}\n`);
  });

  it('finds the corpus', () => assert.ok(histories.length >= 5, `${CORPUS} holds ${histories.length} histories`));

  for (const name of histories) {
    it(`${name}: the model follows its DDL, and no rule fails on a statement`, () => {
      const r = replays.get(name)!;
      assert.ok(r.migrations > 0 && r.statements > 0, `${name}: ${r.migrations} migrations, ${r.statements} statements`);
      assert.deepEqual(r.internalErrors, []);
      assert.ok(counted(r) <= MAX_UNHANDLED_SHARE * r.ddl, `${name}: ${counted(r)} of ${r.ddl} DDL statements unhandled: ${JSON.stringify([...r.unhandled])}`);
    });
  }

  it('follows all but 1% of the DDL of the whole corpus', () => {
    const ddl = [...replays.values()].reduce((n, r) => n + r.ddl, 0);
    const unhandled = [...replays.values()].reduce((n, r) => n + counted(r), 0);
    assert.ok(ddl > 1000, `only ${ddl} DDL statements`);
    assert.ok(unhandled <= MAX_TOTAL_SHARE * ddl, `${unhandled} of ${ddl} DDL statements unhandled`);
  });
});
