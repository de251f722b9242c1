/**
 * Shared by the rewrite-plan tests: small histories laid out as each framework writes them, applying a
 * plan to them, checking what it writes (it parses, it brings in no new warning), and replaying a
 * history on PGlite the way its framework runs it.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { resolveConfig, type ResolvedConfig } from '../../server/src/engine/config';
import { parseFile, SYNTAX_ERROR } from '../../server/src/engine/dialects/postgres/statement';
import { lintHistory, sectionText } from '../../server/src/engine/history/lint-history';
import { loadHistory } from '../../server/src/engine/history/load';
import type { FrameworkId, History, MigrationSource } from '../../server/src/engine/history/types';
import { planFor } from '../../server/src/engine/fixes/plan';
import type { RewritePlan } from '../../server/src/engine/fixes/types';
import type { Finding, TextEdit } from '../../server/src/engine/types';

export type Files = Record<string, string>;

export const NOW = new Date('2025-03-04T05:06:07Z');

export const source = (files: Files): MigrationSource => ({ list: () => Object.keys(files), read: (p) => files[p] });

/** Every framework; liquibase and sqitch have no versions of their own. */
export const FRAMEWORKS: FrameworkId[] = ['flyway', 'liquibase', 'golang-migrate', 'dbmate', 'goose', 'prisma', 'supabase', 'sqitch', 'atlas', 'diesel', 'plain'];

/**
 * A two-migration history in the framework's layout: `setup` creates and fills the tables, `change`
 * is the migration under test. Down migrations are written where the framework has them.
 */
/** Plain files run statement by statement: only an explicit BEGIN/COMMIT holds the change in one transaction, as the other frameworks do. */
export const inOneTransaction = (framework: FrameworkId, change: string): string => (framework === 'plain' ? `BEGIN;\n${change}COMMIT;\n` : change);

export function historyFiles(framework: FrameworkId, setup: string, change: string): Files {
  const dbmate = (up: string) => `-- migrate:up\n${up}\n\n-- migrate:down\nSELECT 1;\n`;
  const goose = (up: string) => `-- +goose Up\n${up}\n\n-- +goose Down\nSELECT 1;\n`;
  switch (framework) {
    case 'flyway':
      return { 'db/V1__setup.sql': setup, 'db/U1__setup.sql': 'DROP TABLE users;\n', 'db/V2__change.sql': change };
    case 'liquibase':
      return { 'db/changelog.sql': `--liquibase formatted sql\n\n--changeset ana:1\n${setup}\n--changeset ana:2\n${change}` };
    case 'golang-migrate':
      return {
        'migrations/000001_setup.up.sql': setup,
        'migrations/000001_setup.down.sql': 'DROP TABLE users;\n',
        'migrations/000002_change.up.sql': change,
        'migrations/000002_change.down.sql': 'SELECT 1;\n',
      };
    case 'dbmate':
      return { 'db/migrations/20240101000000_setup.sql': dbmate(setup), 'db/migrations/20240102000000_change.sql': dbmate(change) };
    case 'goose':
      return { 'migrations/00001_setup.sql': goose(setup), 'migrations/00002_change.sql': goose(change) };
    case 'prisma':
      return {
        'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
        'prisma/migrations/20240101000000_setup/migration.sql': setup,
        'prisma/migrations/20240102000000_change/migration.sql': change,
      };
    case 'supabase':
      return { 'supabase/migrations/20240101000000_setup.sql': setup, 'supabase/migrations/20240102000000_change.sql': change };
    case 'sqitch':
      return {
        'sqitch.plan': '%syntax-version=1.0.0\n%project=app\n\nsetup 2024-01-01T00:00:00Z Ana Lima <ana@example.com> # setup\nchange [setup] 2024-01-02T00:00:00Z Ana Lima <ana@example.com> # change\n',
        'deploy/setup.sql': `BEGIN;\n${setup}\nCOMMIT;\n`,
        'revert/setup.sql': 'DROP TABLE users;\n',
        'deploy/change.sql': `BEGIN;\n${change}\nCOMMIT;\n`,
        'revert/change.sql': 'SELECT 1;\n',
      };
    case 'atlas':
      return { 'migrations/20240101000000_setup.sql': setup, 'migrations/20240102000000_change.sql': change, 'migrations/atlas.sum': 'h1:placeholder=\n' };
    case 'diesel':
      return {
        'migrations/2024-01-01-000000_setup/up.sql': setup,
        'migrations/2024-01-01-000000_setup/down.sql': 'DROP TABLE users;\n',
        'migrations/2024-01-02-000000_change/up.sql': change,
        'migrations/2024-01-02-000000_change/down.sql': 'SELECT 1;\n',
      };
    case 'plain':
      return { 'migrations/001_setup.sql': setup, 'migrations/002_change.sql': change };
  }
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, edit.range.start) + edit.newText + out.slice(edit.range.end);
  return out;
}

/** The files after the plan: current file edited, new files, marker files, downs and other edits written. */
export function applyPlan(files: Files, currentPath: string, plan: RewritePlan): Files {
  const out: Files = { ...files, [currentPath]: applyEdits(files[currentPath], plan.edits) };
  for (const f of [...plan.newFiles, ...plan.downFiles]) {
    assert.equal(out[f.path], undefined, `${f.path} already exists`);
    out[f.path] = f.content;
    for (const m of f.markerFiles ?? []) out[m.path] = m.content;
  }
  for (const other of plan.otherEdits) out[other.path] = applyEdits(out[other.path] ?? '', other.edits);
  return out;
}

const defaultConfig = resolveConfig();

/** Findings of one rule over the whole history, with the migration each is in. */
export function findingsOf(files: Files, rule: string, config = defaultConfig): { history: History; found: { finding: Finding; index: number }[] } {
  const history = loadHistory(source(files));
  const result = lintHistory(history, source(files), config);
  const found = result.migrations.flatMap((m, index) => m.result.findings.filter((f) => f.rule === rule).map((finding) => ({ finding, index })));
  return { history, found };
}

export interface PlanOptions {
  /** Lints and plans with this configuration instead of the default one. */
  config?: ResolvedConfig;
  /** Plans for this one (0-based) of the rule's findings, where the rule finds several things; by default it must find exactly one. */
  finding?: number;
  /** Plans with this configuration, the history still linted with `config`: for the generators' own checks. */
  planConfig?: ResolvedConfig;
}

/** Lints the history, picks the rule's finding (by default expecting exactly one), and plans for it. */
export function planForHistory(files: Files, rule: string, { config = defaultConfig, finding, planConfig = config }: PlanOptions = {}): { plan: RewritePlan | null; currentPath: string } {
  const { history, found } = findingsOf(files, rule, config);
  if (finding === undefined) assert.equal(found.length, 1, `expected one ${rule} finding, got ${found.length}`);
  else assert.ok(found.length > finding, `expected ${finding + 1} or more ${rule} findings, got ${found.length}`);
  const picked = found[finding ?? 0];
  const migration = history.migrations[picked.index];
  const plan = planFor(picked.finding, { history, source: source(files), migration, text: files[migration.path], now: NOW, config: planConfig });
  return { plan, currentPath: migration.path };
}

/**
 * The plan for the history's one finding of the rule (as linted by default) when the project says it
 * runs an older PostgreSQL: for the generators' own version checks.
 */
export function planAtVersion(files: Files, rule: string, postgresVersion: string): RewritePlan | null {
  return planForHistory(files, rule, { planConfig: resolveConfig({ postgresVersion }) }).plan;
}

/** Everything the plan writes: new files, down files and the current file's new text. */
export function everyText(plan: RewritePlan): string {
  return [...plan.newFiles, ...plan.downFiles].map((f) => f.content).concat(plan.edits.map((e) => e.newText)).join('\n');
}

/**
 * Every new and down file the plan writes parses, and so does every text it puts into the current file,
 * unless `editsSpliceWords`: edits that put words into a statement (ON ONLY) cannot parse alone, and
 * the caller checks the edited file as a whole instead.
 */
export function assertParses(plan: RewritePlan, { editsSpliceWords = false } = {}): void {
  const errors = (text: string) => parseFile(text).statements.filter((s) => s.kind === SYNTAX_ERROR).map((s) => s.error?.message);
  for (const f of [...plan.newFiles, ...plan.downFiles]) assert.deepEqual(errors(f.content), [], f.path);
  if (!editsSpliceWords) for (const e of plan.edits) assert.deepEqual(errors(e.newText), [], e.newText);
}

/** Warning and error findings over the whole history (info and hints left out). */
function seriousFindings(files: Files, config: ResolvedConfig): Finding[] {
  const result = lintHistory(loadHistory(source(files)), source(files), config);
  return result.migrations.flatMap((m) => m.result.findings.filter((f) => f.severity === 'warning' || f.severity === 'error'));
}

export interface FindingComparison {
  config?: ResolvedConfig;
  /**
   * What makes a finding after the plan the same as one before: its rule and message (the default), or
   * its rule and message id, for plans that move statements, where a finding that moves with them names
   * their new line.
   */
  match?: 'message' | 'messageId';
}

/**
 * The warning and error findings the rewritten history has beyond the original's, as `rule: message`.
 * Findings are matched one to one, so a second finding with an old message still counts as new.
 */
function newFindings(original: Files, rewritten: Files, { config = defaultConfig, match = 'message' }: FindingComparison = {}): string[] {
  const key = (f: Finding) => (match === 'messageId' ? `${f.rule}/${f.messageId}` : `${f.rule}: ${f.message}`);
  const unmatched = new Map<string, number>();
  for (const f of seriousFindings(original, config)) unmatched.set(key(f), (unmatched.get(key(f)) ?? 0) + 1);
  const added: string[] = [];
  for (const f of seriousFindings(rewritten, config)) {
    const left = unmatched.get(key(f)) ?? 0;
    if (left > 0) unmatched.set(key(f), left - 1);
    else added.push(`${f.rule}: ${f.message}`);
  }
  return added;
}

/** The plan brings in no warning or error the original history did not have; the message lists any it does. */
export function assertNoNewFindings(original: Files, rewritten: Files, comparison: FindingComparison = {}): void {
  assert.deepEqual(newFindings(original, rewritten, comparison), [], 'warnings or errors the plan brings in');
}

/**
 * Runs every up migration in order on a fresh PGlite as the framework runs it: inside one
 * transaction, or statement by statement when the file runs without one (sqitch's own BEGIN/COMMIT
 * included). `before` runs ahead of each migration (the application writing between steps). Returns
 * the database for further checks; the caller closes it.
 */
export async function replay(files: Files, before?: (path: string, pg: PGlite) => Promise<void>): Promise<PGlite> {
  const pg = new PGlite();
  const history = loadHistory(source(files));
  assert.deepEqual(history.problems, []);
  for (const migration of history.migrations) {
    await before?.(migration.path, pg);
    const statements = parseFile(sectionText(files[migration.path], migration)).statements.map((s) => s.text);
    try {
      if (migration.transaction === 'none' || statements.length === 1) {
        for (const sql of statements) await pg.exec(sql);
      } else {
        await pg.exec('BEGIN');
        for (const sql of statements) await pg.exec(sql);
        await pg.exec('COMMIT');
      }
    } catch (error) {
      throw new Error(`${migration.path} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return pg;
}

/** Replays a history that must fail with `error`; returns the database as the failure left it (the caller closes it). */
export async function replayFails(files: Files, error: RegExp, before?: (path: string, pg: PGlite) => Promise<void>): Promise<PGlite> {
  const held: { pg?: PGlite } = {};
  await assert.rejects(
    replay(files, async (path, pg) => {
      held.pg = pg;
      await before?.(path, pg);
    }),
    error,
  );
  assert.ok(held.pg, 'a migration ran before the failure');
  return held.pg;
}

/**
 * Replays a Flyway history up to one migration, then runs that one statement by statement at DEBUG1,
 * collecting what PostgreSQL says about each (whether it scanned a table or proved a constraint from others).
 */
export async function replayStepAtDebug(files: Files, stepPath: string): Promise<{ sql: string; messages: string[] }[]> {
  const version = (path: string) => Number(/\/[VU](\d+)__/.exec(path)?.[1] ?? 0);
  const earlier = Object.fromEntries(Object.entries(files).filter(([p]) => version(p) < version(stepPath)));
  const pg = await replay(earlier);
  try {
    const out: { sql: string; messages: string[] }[] = [];
    await pg.exec('SET client_min_messages = debug1');
    for (const s of parseFile(files[stepPath]).statements) {
      const messages: string[] = [];
      await pg.exec(s.text, { onNotice: (n) => messages.push(n.message ?? '') });
      out.push({ sql: s.text, messages });
    }
    return out;
  } finally {
    await pg.close();
  }
}

/** Whether a relation (table, view, index, sequence) of that name is there, as search_path finds it. */
export async function relationExists(pg: PGlite, name: string): Promise<boolean> {
  const r = await pg.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
  return r.rows[0].t !== null;
}

export async function hasColumn(pg: PGlite, table: string, column: string): Promise<boolean> {
  const r = await pg.query('SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped', [table, column]);
  return r.rows.length > 0;
}

/** An index's validity and definition as PostgreSQL prints it; no row when there is no such index. */
export async function indexDefinition(pg: PGlite, name: string): Promise<{ indisvalid: boolean; def: string }[]> {
  const r = await pg.query<{ indisvalid: boolean; def: string }>('SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indexrelid = to_regclass($1)', [name]);
  return r.rows;
}

/** A table's file node (0 while there is no such table): rewriting the table gives it a new one. */
async function filenode(pg: PGlite, table: string): Promise<number> {
  return (await pg.query<{ f: number }>('SELECT relfilenode AS f FROM pg_class WHERE oid = to_regclass($1)', [table])).rows[0]?.f ?? 0;
}

/**
 * Watches a table for rewrites over a replay: `record` (before each migration) notes its file node,
 * `assertNone` (after the replay) checks it only ever had one, the one it has at the end.
 */
export function watchRewrites(table: string) {
  const filenodes = new Set<number>();
  return {
    /** Notes the table's file node; false while the table does not exist yet. */
    async record(pg: PGlite): Promise<boolean> {
      const node = await filenode(pg, table);
      if (node) filenodes.add(node);
      return node !== 0;
    },
    async assertNone(pg: PGlite): Promise<void> {
      assert.equal(filenodes.size, 1, `${table} was never rewritten`);
      assert.ok(filenodes.has(await filenode(pg, table)));
    },
  };
}

/**
 * The application between migrations: once `column` exists it runs `insert` (with $1 = 1, 2, 3 …), a
 * row that leaves the new column to its default, and it notes the table's file node before each
 * migration (a rewrite changes it).
 */
export function insertsBetweenSteps(table: string, column: string, insert: string) {
  const rewrites = watchRewrites(table);
  let inserted = 0;
  const hook = async (_path: string, pg: PGlite) => {
    await rewrites.record(pg);
    if (!(await hasColumn(pg, table, column))) return;
    inserted++;
    await pg.query(insert, [inserted]);
  };
  return { rewrites, hook, inserted: () => inserted };
}

/** A query for every row of a table as one digest, with the row count (to tell a lost row from a changed one). */
export const digestOf = (table: string): string => `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM ${table} t`;

/**
 * The golden path of the i-th new up migration (0-based) after the two-migration fixture history, for
 * NOW; undefined for Liquibase, whose changesets go into the current file.
 */
export function expectedUpPath(framework: FrameworkId, slug: string, i = 0): string | undefined {
  const ts = String(20250304050607 + i);
  return {
    flyway: `db/V${3 + i}__${slug}.sql`,
    liquibase: undefined,
    'golang-migrate': `migrations/${String(3 + i).padStart(6, '0')}_${slug}.up.sql`,
    dbmate: `db/migrations/${ts}_${slug}.sql`,
    goose: `migrations/${String(3 + i).padStart(5, '0')}_${slug}.sql`,
    prisma: `prisma/migrations/${ts}_${slug}/migration.sql`,
    supabase: `supabase/migrations/${ts}_${slug}.sql`,
    sqitch: `deploy/${slug}.sql`,
    atlas: `migrations/${ts}_${slug}.sql`,
    diesel: `migrations/2025-03-04-${ts.slice(8)}_${slug}/up.sql`,
    plain: `migrations/${String(3 + i).padStart(3, '0')}_${slug}.sql`,
  }[framework];
}

/**
 * The plan's new up migrations are `steps` ([slug, runs outside a transaction]), named as the framework
 * names them; for Liquibase, whose changesets go into the current file, `liquibase` must match the
 * edits' text instead. Returns the expected paths (undefined for Liquibase).
 */
export function assertNewSteps(plan: RewritePlan, framework: FrameworkId, steps: [string, boolean][], liquibase: RegExp): (string | undefined)[] {
  const paths = steps.map(([slug], i) => expectedUpPath(framework, slug, i));
  if (paths[0]) assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), steps.map(([, nonTransactional], i) => [paths[i], nonTransactional]));
  else assert.match(plan.edits.map((e) => e.newText).join(''), liquibase);
  return paths;
}

/** expectedUpPath of each of the plan's new up migrations, in order. */
export const expectedUpPaths = (framework: FrameworkId, slugs: string[]): (string | undefined)[] => slugs.map((slug, i) => expectedUpPath(framework, slug, i));
