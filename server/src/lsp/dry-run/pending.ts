/**
 * Which migrations of a folder a server has not applied yet, from the history table of the folder's
 * framework (HAZARDS.md lists them). Read in a read-only transaction. When the table cannot tell for
 * sure (no table, a failed or dirty migration recorded, a framework whose table names changesets
 * rather than files) the answer says so and why, and the client lets the person pick the files.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from 'pg';
import { connect } from '../../db/postgres/connection';
import type { Redactor } from '../../db/redact';
import { compareVersions, flywayChecksum, loadHistory, type History, type Migration, type MigrationSource } from '../../engine/index';
import type { MigrationEntry, PendingMigrationsResult } from '../../protocol/dry-run';
import { joinRelative } from './migration-target';

/** What a history table says: a test per migration, or why it cannot be trusted. */
type Applied = { table: string; isApplied: (m: Migration) => boolean } | { table?: string; unreliable: string };

export async function pendingMigrations(root: string, source: MigrationSource, url: string, redactor: Redactor): Promise<PendingMigrationsResult> {
  const history = loadHistory(source);
  const migrations = history.migrations.filter((m) => m.direction === 'up');
  const entries = migrations.map((m): MigrationEntry => ({ uri: pathToFileURL(joinRelative(root, m.path)).href, name: m.path, version: m.version }));
  const client = await connect(url, redactor, 'safe-migrations pending migrations');
  let applied: Applied;
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    applied = await readApplied(client, history, source);
  } catch (error) {
    applied = { unreliable: `reading the history table failed: ${redactor.message(error)}` };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  if ('unreliable' in applied) {
    return { framework: history.framework, table: applied.table, reliable: false, reason: applied.unreliable, migrations: entries, pending: [], applied: 0 };
  }
  const pending = entries.filter((_, i) => !applied.isApplied(migrations[i]));
  return { framework: history.framework, table: applied.table, reliable: true, migrations: entries, pending, applied: entries.length - pending.length };
}

/** `1.2.0` and `001.2` are Flyway's 1.2; digit groups without leading zeros or trailing zero groups. */
export function normalizeVersion(version: string): string {
  const groups = (version.match(/\d+/g) ?? []).map((g) => g.replace(/^0+(?=\d)/, ''));
  while (groups.length > 1 && groups[groups.length - 1] === '0') groups.pop();
  return groups.join('.');
}

async function tableExists(client: Client, name: string): Promise<boolean> {
  const result = await client.query<{ present: boolean }>('SELECT pg_catalog.to_regclass($1) IS NOT NULL AS present', [name]);
  return result.rows[0]?.present === true;
}

async function readApplied(client: Client, history: History, source: MigrationSource): Promise<Applied> {
  const table = HISTORY_TABLES[history.framework];
  if (!table) {
    return { unreliable: `a ${history.framework} folder has no history table that names its files (${NO_TABLE_REASON[history.framework] ?? 'nothing records which files ran'})` };
  }
  if (!(await tableExists(client, table))) {
    return { table, unreliable: `the server has no ${table} table: nothing was applied yet, or it lives in another database or schema` };
  }
  const reader = READERS[history.framework]!;
  const result = await reader(client, source);
  return 'unreliable' in result ? { table, unreliable: result.unreliable } : { table, isApplied: result.isApplied };
}

const HISTORY_TABLES: Partial<Record<string, string>> = {
  flyway: 'flyway_schema_history',
  'golang-migrate': 'schema_migrations',
  dbmate: 'schema_migrations',
  goose: 'goose_db_version',
  diesel: '__diesel_schema_migrations',
  prisma: '_prisma_migrations',
  supabase: 'supabase_migrations.schema_migrations',
  atlas: 'atlas_schema_revisions.atlas_schema_revisions',
};

const NO_TABLE_REASON: Partial<Record<string, string>> = {
  plain: 'plain numbered files are run by hand or by a tool this folder does not name',
  liquibase: 'DATABASECHANGELOG records changesets, not files',
  sqitch: 'sqitch.changes records plan changes, not files',
};

type Reader = (client: Client, source: MigrationSource) => Promise<{ isApplied: (m: Migration) => boolean } | { unreliable: string }>;

const versionSet = (versions: Iterable<string>) => new Set([...versions].map(normalizeVersion));

const READERS: Partial<Record<string, Reader>> = {
  async flyway(client, source) {
    const rows = (
      await client.query<{ version: string | null; script: string; checksum: number | null; success: boolean; type: string }>(
        'SELECT version, script, checksum, success, type FROM flyway_schema_history ORDER BY installed_rank',
      )
    ).rows;
    const failed = rows.find((r) => !r.success);
    if (failed) return { unreliable: `flyway_schema_history records a failed migration (${failed.script}): run flyway repair first` };
    // The latest row of a version decides (an undo after an apply means it is not applied any more).
    const latest = new Map<string, string>();
    let baseline: string | undefined;
    for (const row of rows) {
      if (row.version === null) continue;
      if (row.type === 'BASELINE') baseline = row.version;
      latest.set(normalizeVersion(row.version), row.type);
    }
    const repeatable = new Map<string, number | null>();
    for (const row of rows) if (row.version === null) repeatable.set(basename(row.script), row.checksum);
    return {
      isApplied: (m) => {
        if (m.repeatable) {
          // A repeatable migration runs again whenever its checksum changes.
          const text = source.read(m.path);
          const recorded = repeatable.get(basename(m.path));
          return recorded !== undefined && text !== undefined && recorded === flywayChecksum(text);
        }
        const type = latest.get(normalizeVersion(m.version));
        if (type !== undefined) return !/^UNDO|^DELETE$/.test(type);
        return baseline !== undefined && compareVersions(m.version, baseline) <= 0;
      },
    };
  },
  async 'golang-migrate'(client) {
    const rows = (await client.query<{ version: string; dirty: boolean }>('SELECT version::text AS version, dirty FROM schema_migrations')).rows;
    if (rows.length === 0) return { isApplied: () => false };
    if (rows.length > 1) return { unreliable: 'schema_migrations has more than one row: it does not look like golang-migrate\'s table' };
    const [{ version, dirty }] = rows;
    if (dirty) return { unreliable: `schema_migrations is dirty at version ${version} (a migration failed halfway): fix it and run migrate force first` };
    return { isApplied: (m) => compareVersions(m.version, version) <= 0 };
  },
  async dbmate(client) {
    const applied = versionSet((await client.query<{ version: string }>('SELECT version::text AS version FROM schema_migrations')).rows.map((r) => r.version));
    return { isApplied: (m) => applied.has(normalizeVersion(m.version)) };
  },
  async goose(client) {
    const rows = (await client.query<{ version_id: string; is_applied: boolean }>('SELECT version_id::text AS version_id, is_applied FROM goose_db_version ORDER BY id')).rows;
    const latest = new Map<string, boolean>();
    for (const row of rows) latest.set(normalizeVersion(row.version_id), row.is_applied);
    return { isApplied: (m) => latest.get(normalizeVersion(m.version)) === true };
  },
  async diesel(client) {
    const applied = new Set((await client.query<{ version: string }>('SELECT version FROM __diesel_schema_migrations')).rows.map((r) => r.version.replace(/\D/g, '')));
    return { isApplied: (m) => applied.has(m.version.replace(/\D/g, '')) };
  },
  async prisma(client) {
    const rows = (
      await client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
        'SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations',
      )
    ).rows;
    const failed = rows.find((r) => !r.finished && !r.rolled_back);
    if (failed) return { unreliable: `_prisma_migrations records ${failed.migration_name} as started but not finished: resolve it with prisma migrate resolve first` };
    const applied = new Set(rows.filter((r) => r.finished && !r.rolled_back).map((r) => r.migration_name));
    return { isApplied: (m) => applied.has(m.path.split('/').slice(-2, -1)[0] ?? '') };
  },
  async supabase(client) {
    const applied = versionSet((await client.query<{ version: string }>('SELECT version::text AS version FROM supabase_migrations.schema_migrations')).rows.map((r) => r.version));
    return { isApplied: (m) => applied.has(normalizeVersion(m.version)) };
  },
  async atlas(client) {
    const rows = (
      await client.query<{ version: string; complete: boolean; error: string }>(
        "SELECT version, applied >= total AS complete, COALESCE(error, '') AS error FROM atlas_schema_revisions.atlas_schema_revisions",
      )
    ).rows;
    const broken = rows.find((r) => r.error !== '' || !r.complete);
    if (broken) return { unreliable: `atlas_schema_revisions records version ${broken.version} as partly applied: fix it first` };
    const applied = versionSet(rows.map((r) => r.version));
    return { isApplied: (m) => applied.has(normalizeVersion(m.version)) };
  },
};
