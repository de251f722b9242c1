/**
 * Shared by the rewrite-plan tests: small histories laid out as each framework writes them, applying a
 * plan to them, and replaying a history on PGlite the way its framework runs it.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { resolveConfig } from '../../server/src/engine/config';
import { parseFile } from '../../server/src/engine/dialects/postgres/statement';
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

const config = resolveConfig();

/** Findings of one rule over the whole history, with the migration each is in. */
export function findingsOf(files: Files, rule: string): { history: History; found: { finding: Finding; index: number }[] } {
  const history = loadHistory(source(files));
  const result = lintHistory(history, source(files), config);
  const found = result.migrations.flatMap((m, index) => m.result.findings.filter((f) => f.rule === rule).map((finding) => ({ finding, index })));
  return { history, found };
}

/** Lints the history, expects exactly one finding of the rule in its last migration, and plans for it. */
export function planForHistory(files: Files, rule: string): { plan: RewritePlan | null; currentPath: string } {
  const { history, found } = findingsOf(files, rule);
  assert.equal(found.length, 1, `expected one ${rule} finding, got ${found.length}`);
  const migration = history.migrations[found[0].index];
  const plan = planFor(found[0].finding, { history, source: source(files), migration, text: files[migration.path], now: NOW, config });
  return { plan, currentPath: migration.path };
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
