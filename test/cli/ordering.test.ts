/** A folder is a migration history: its files in the order the migration tool runs them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leadingVersion, listMigrationFiles } from '../../server/src/node/migration-files';
import { configOnly, parseJsonReport, scratchFolder, useBuiltCli } from './helpers';

const cli = useBuiltCli();
const INDEX = 'CREATE INDEX i ON t (c);\n';

describe('listMigrationFiles', () => {
  const flyway = scratchFolder({
    'V10__ten.sql': '',
    'V2__two.sql': '',
    'V1__one.sql': '',
    'V1_1__one_point_one.sql': '',
    'R__views.sql': '',
    'U2__undo_two.sql': '',
    'V3__three.sql.conf': 'executeInTransaction=false\n',
    'notes.md': '',
  });
  it('orders Flyway versions numerically, repeatables last, undo files apart', () => {
    assert.deepEqual(listMigrationFiles(flyway), {
      forward: ['V1__one.sql', 'V1_1__one_point_one.sql', 'V2__two.sql', 'V10__ten.sql', 'R__views.sql'],
      down: ['U2__undo_two.sql'],
    });
  });

  const diesel = scratchFolder({
    '2019-01-01-000000_add_email/up.sql': '',
    '2019-01-01-000000_add_email/down.sql': '',
    '2018-12-31-235959_create_users/up.sql': '',
    '2018-12-31-235959_create_users/down.sql': '',
    '00000000000000_diesel_initial_setup/up.sql': '',
  });
  it('orders diesel folders by their timestamp and keeps down.sql apart', () => {
    assert.deepEqual(listMigrationFiles(diesel), {
      forward: ['00000000000000_diesel_initial_setup/up.sql', '2018-12-31-235959_create_users/up.sql', '2019-01-01-000000_add_email/up.sql'],
      down: ['2018-12-31-235959_create_users/down.sql', '2019-01-01-000000_add_email/down.sql'],
    });
  });

  const longTimestamps = scratchFolder({
    '20220210000001000100_b.postgres.up.sql': '',
    '20220210000001000062_a.postgres.up.sql': '',
    '20220210000001000062_a.postgres.down.sql': '',
    '9_early.up.sql': '',
  });
  it('compares timestamps longer than a double holds exactly', () => {
    assert.deepEqual(listMigrationFiles(longTimestamps), {
      forward: ['9_early.up.sql', '20220210000001000062_a.postgres.up.sql', '20220210000001000100_b.postgres.up.sql'],
      down: ['20220210000001000062_a.postgres.down.sql'],
    });
  });

  it('reads versions from names', () => {
    assert.deepEqual(leadingVersion('V1_2__x.sql'), ['1', '2']);
    assert.deepEqual(leadingVersion('2019-01-01-000000_x'), ['2019', '1', '1', '0']);
    assert.deepEqual(leadingVersion('v1.14'), ['1', '14']);
    assert.deepEqual(leadingVersion('0007-tenants.sql'), ['7']);
    assert.equal(leadingVersion('R__views.sql'), undefined);
    assert.equal(leadingVersion('up.sql'), undefined);
  });
});

describe('lint <folder>', () => {
  const folder = scratchFolder({
    'safe-migrations.config.json': configOnly(['create-index-concurrently']),
    'V10__ten.sql': INDEX,
    'V2__two.sql': INDEX,
    'V1__one.sql': INDEX,
    'U1__undo_one.sql': INDEX,
    'sub/V3__three.sql': INDEX,
  });

  it('reports files in the order the framework runs them, down migrations after the forward ones', () => {
    const run = cli.run(['lint', '--format', 'json', '.'], { cwd: folder });
    assert.equal(run.status, 1, run.stderr);
    // Flyway sorts every migration under its location by version, subfolders included: V3 runs before V10.
    assert.deepEqual(
      parseJsonReport(run.stdout).map((f) => f.file),
      ['V1__one.sql', 'V2__two.sql', 'sub/V3__three.sql', 'V10__ten.sql', 'U1__undo_one.sql'],
    );
  });

  it('lints a file given twice (directly and through its folder) once', () => {
    const run = cli.run(['lint', '--format', 'json', 'V2__two.sql', '.'], { cwd: folder });
    const files = parseJsonReport(run.stdout).map((f) => f.file);
    assert.equal(files.length, 5);
    assert.equal(files[0], 'V2__two.sql');
  });
});
