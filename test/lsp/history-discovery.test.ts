/** Finding a workspace's migration histories: configured folders first, else folders named like migrations. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverHistories } from '../../server/src/lsp/histories/discovery';
import { writeFiles } from '../cli/helpers';

const SQL = 'SELECT 1;\n';

describe('discovering migration histories', () => {
  const root = mkdtempSync(join(tmpdir(), 'safe-migrations-discovery-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const found = (workspace: string, limits?: { maxEntries: number; maxDepth: number }) => {
    const discovery = discoverHistories([workspace], limits);
    return { ...discovery, folders: discovery.folders.map((f) => relative(workspace, f)) };
  };

  it('finds folders by the names frameworks give migrations, outside dependency and hidden folders', () => {
    const workspace = join(root, 'detected');
    writeFiles(workspace, {
      'flyway/V1__init.sql': SQL,
      'api/migrate/000001_users.up.sql': SQL,
      'api/migrate/000001_users.down.sql': SQL,
      'diesel/migrations/2019-01-01-000000_init/up.sql': SQL,
      'diesel/migrations/2019-01-01-000000_init/down.sql': SQL,
      'plain/0001-init.sql': SQL,
      'plain/0002-more.sql': SQL,
      'temporal/versioned/v1.0/schema.sql': SQL,
      'temporal/versioned/v1.1/more.sql': SQL,
      'sqitch/sqitch.plan': '%project=x\n',
      'sqitch/deploy/users.sql': SQL,
      // One numbered file, a schema dump and queries are no history.
      'reports/01_totals.sql': SQL,
      'db/structure.sql': SQL,
      'src/v2/queries.sql': SQL,
      'node_modules/pkg/migrations/V1__x.sql': SQL,
      '.cache/V1__x.sql': SQL,
      'dist/migrations/V1__x.sql': SQL,
    });
    const { folders, truncated } = found(workspace);
    assert.deepEqual(folders, ['api/migrate', 'diesel/migrations', 'flyway', 'plain', 'sqitch', 'temporal/versioned']);
    assert.equal(truncated, false);
  });

  it('takes the folders configuration files list instead, and reports the ones that do not exist', () => {
    const workspace = join(root, 'configured');
    writeFiles(workspace, {
      'safe-migrations.config.json': JSON.stringify({ migrations: ['db/migrations', 'missing'] }),
      'db/migrations/V1__init.sql': SQL,
      'services/billing/safe-migrations.config.json': JSON.stringify({ migrations: ['sql'] }),
      'services/billing/sql/changelog.sql': '--liquibase formatted sql\n',
      'flyway/V1__init.sql': SQL,
    });
    const { folders, problems } = found(workspace);
    assert.deepEqual(folders, ['db/migrations', 'services/billing/sql']);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /the migrations folder "missing" does not exist/);
  });

  it('stops after a bounded number of entries, and says so', () => {
    const workspace = join(root, 'large');
    writeFiles(workspace, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}/V1__x.sql`, SQL])));
    const { folders, truncated } = found(workspace, { maxEntries: 40, maxDepth: 12 });
    assert.equal(truncated, true);
    assert.ok(folders.length > 0 && folders.length < 30, `${folders.length} folders`);
  });
});
