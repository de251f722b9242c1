/**
 * Naming new migrations per framework: next versions in the history's own style, slugs, Liquibase
 * changesets placed after the current one, sqitch plan lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layOutSteps, nextVersions, slugify } from '../../server/src/engine/fixes/naming';
import { loadHistory } from '../../server/src/engine/history/load';
import { NOW, source, type Files } from './fixes-support';

const history = (files: Files) => loadHistory(source(files));

describe('naming new migrations', () => {
  it('slugs are lower-case words joined by underscores', () => {
    assert.equal(slugify('Create index "Users"(email) concurrently!'), 'create_index_users_email_concurrently');
    assert.equal(slugify('***'), 'migration');
  });

  it('timestamps come from now, or follow the newest version when the clock is behind it', () => {
    const h = history({ 'db/20240101000000_a.sql': '-- migrate:up\nSELECT 1;\n' });
    assert.deepEqual(nextVersions(h, NOW, 2), ['20250304050607', '20250304050608']);
    const ahead = history({ 'db/20990101000000_a.sql': '-- migrate:up\nSELECT 1;\n' });
    assert.deepEqual(nextVersions(ahead, NOW, 1), ['20990101000001']);
  });

  it('numbers keep their zero padding; Flyway dotted versions move to the next major', () => {
    assert.deepEqual(nextVersions(history({ 'm/0009_a.up.sql': 'SELECT 1;' }), NOW, 2), ['0010', '0011']);
    assert.deepEqual(nextVersions(history({ 'V1_2__a.sql': 'SELECT 1;', 'V1_10__b.sql': 'SELECT 1;' }), NOW, 1), ['2']);
    assert.deepEqual(nextVersions(history({ 'm/7_a.sql': 'SELECT 1;' }), NOW, 1), ['8']);
  });

  it('diesel keeps its dashed timestamps', () => {
    const h = history({ 'migrations/2024-01-01-000000_a/up.sql': 'SELECT 1;', 'migrations/2024-01-01-000000_a/down.sql': 'SELECT 1;' });
    assert.deepEqual(nextVersions(h, NOW, 1), ['2025-03-04-050607']);
  });

  it('liquibase: changesets go right after the current one, before later changesets, with --rollback', () => {
    const text = '--liquibase formatted sql\n--changeset ana:1\nSELECT 1;\n--changeset ana:2\nSELECT 2;\n';
    const h = history({ 'c.sql': text });
    const out = layOutSteps(
      { history: h, source: source({ 'c.sql': text }), migration: h.migrations[0], text, now: NOW },
      [{ name: 'build index', up: 'CREATE INDEX CONCURRENTLY i ON t (a);', down: 'DROP INDEX CONCURRENTLY i;', nonTransactional: true }],
    );
    assert.deepEqual(out.edits, [
      { range: { start: text.indexOf('--changeset ana:2'), end: text.indexOf('--changeset ana:2') }, newText: '--changeset ana:1-build-index runInTransaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n--rollback DROP INDEX CONCURRENTLY i;\n' },
    ]);
    assert.deepEqual(out.newFiles, []);
  });

  it('sqitch: a plan line per change, depending on the one before, with the last planner', () => {
    const files = {
      'db/sqitch.plan': '%project=app\n\nusers 2024-01-01T00:00:00Z Ana Lima <ana@example.com> # users\n',
      'db/deploy/users.sql': 'BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n',
    };
    const h = history(files);
    const out = layOutSteps({ history: h, source: source(files), migration: h.migrations[0], text: files['db/deploy/users.sql'], now: NOW }, [
      { name: 'a', up: 'SELECT 1;', nonTransactional: false },
      { name: 'b', up: 'SELECT 2;', nonTransactional: true },
    ]);
    assert.deepEqual(out.otherEdits[0].edits[0].newText, 'a [users] 2025-03-04T05:06:07Z Ana Lima <ana@example.com> # a\nb [a] 2025-03-04T05:06:07Z Ana Lima <ana@example.com> # b\n');
    assert.equal(out.newFiles[0].content, '-- Deploy a\n\nBEGIN;\n\nSELECT 1;\n\nCOMMIT;\n');
    assert.equal(out.newFiles[1].content, '-- Deploy b\n\nSELECT 2;\n');
    assert.deepEqual(out.downFiles.map((f) => f.path), ['db/revert/a.sql', 'db/verify/a.sql', 'db/revert/b.sql', 'db/verify/b.sql']);
  });

  it('a current migration that is not the newest gets a note: the new ones run after the newest', () => {
    const files = { 'm/1_a.sql': 'SELECT 1;', 'm/2_b.sql': 'SELECT 2;' };
    const h = history(files);
    const out = layOutSteps({ history: h, source: source(files), migration: h.migrations[0], text: 'SELECT 1;', now: NOW }, [{ name: 'x', up: 'SELECT 3;', nonTransactional: false }]);
    assert.deepEqual(out.paths, ['m/3_x.sql']);
    assert.match(out.notes.join('\n'), /m\/1_a\.sql is not the newest migration/);
  });
});
