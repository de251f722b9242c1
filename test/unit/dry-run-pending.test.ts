/**
 * Pieces of the language server's dry run that need no database: history-table versions compared as
 * frameworks compare them, several migrations joined into one text and their lines placed back, and
 * the migration folder a file belongs to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFile, loadPostgresParser } from '../../server/src/engine/index';
import { combineTexts, locate } from '../../server/src/lsp/dry-run/combine';
import { migrationFolder } from '../../server/src/lsp/dry-run/migration-target';
import { normalizeVersion } from '../../server/src/lsp/dry-run/pending';
import { looksLikeMigration } from '../../client/src/dry-run/migration-files';

describe('pending migrations', () => {
  it('compare versions as Flyway and friends store them', () => {
    assert.equal(normalizeVersion('1_2'.replace(/_/g, '.')), '1.2');
    assert.equal(normalizeVersion('001.2.0'), '1.2');
    assert.equal(normalizeVersion('1'), normalizeVersion('1.0'));
    assert.equal(normalizeVersion('20240101120000'), '20240101120000');
    assert.notEqual(normalizeVersion('1.10'), normalizeVersion('1.1'));
  });
});

describe('several migrations in one dry run', () => {
  it('joins texts so that a last statement without a semicolon still ends, and places lines back', async () => {
    await loadPostgresParser();
    const combined = combineTexts(['-- a\nCREATE TABLE a (id int)', 'SELECT 1;\n\nSELECT 2;\n', 'SELECT 3']);
    const statements = parseFile(combined.text).statements.filter((s) => s.kind !== 'Empty');
    assert.deepEqual(
      statements.map((s) => s.text),
      ['CREATE TABLE a (id int)', 'SELECT 1', 'SELECT 2', 'SELECT 3'],
    );
    const lineOf = (offset: number) => combined.text.slice(0, offset).split('\n').length;
    assert.deepEqual(
      statements.map((s) => locate(combined, lineOf(s.range.start))),
      [
        { file: 0, line: 2 },
        { file: 1, line: 1 },
        { file: 1, line: 3 },
        { file: 2, line: 1 },
      ],
    );
  });
});

describe('migration folders', () => {
  it('is the configured folder that holds the file, else its own folder (the parent for folder-per-migration tools)', () => {
    const project = { path: '/repo/safe-migrations.config.json', config: { migrations: ['db', 'db/migrations'] } };
    assert.equal(migrationFolder('/repo/db/migrations/V1__a.sql', project), '/repo/db/migrations');
    assert.equal(migrationFolder('/repo/other/V1__a.sql', project), '/repo/other');
    assert.equal(migrationFolder('/repo/migrations/2024-01-01-000000_add/up.sql', {}), '/repo/migrations');
    assert.equal(migrationFolder('/repo/prisma/migrations/20240101_add/migration.sql', {}), '/repo/prisma/migrations');
  });

  it('offers the Dry run CodeLens on files that look like migrations', () => {
    for (const path of ['/r/migrations/add_users.sql', '/r/db/V3__x.sql', '/r/x/20240101120000_add.sql', '/r/m/2024-01-01_x/up.sql', '/r/p/20240101_a/migration.sql']) {
      assert.ok(looksLikeMigration(path), path);
    }
    for (const path of ['/r/queries/report.sql', '/r/migrations/readme.md', '/r/seed.sql']) assert.ok(!looksLikeMigration(path), path);
  });
});
