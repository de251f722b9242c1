import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import { closeAllEditors, migrationUri, openMigration, setSetting, waitForRule } from './helpers';

describe('safeMigrations.postgresVersion', () => {
  after(async () => {
    await setSetting('postgresVersion', undefined);
    await closeAllEditors();
  });

  it('changes the verdict on CREATE INDEX CONCURRENTLY: flagged on 14.2 (index corruption bug), not on 16', async () => {
    const uri = migrationUri('V4__index_orders_created_at.sql');
    await openMigration('V4__index_orders_created_at.sql');

    await setSetting('postgresVersion', '14.2');
    const [diagnostic] = await waitForRule(uri, 'create-index-concurrently', 1);
    assert.match(diagnostic.message, /14\.2/);
    assert.match(diagnostic.message, /14\.4/);

    await setSetting('postgresVersion', '16');
    await waitForRule(uri, 'create-index-concurrently', 0);

    await setSetting('postgresVersion', '14.2');
    await waitForRule(uri, 'create-index-concurrently', 1);
  });
});
