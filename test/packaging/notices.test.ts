/**
 * THIRD-PARTY-NOTICES.md names every package compiled into the shipped bundles. The development
 * build's source maps list each bundled file, so this reads dist/*.js.map (npm run build).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

describe('third-party notices', () => {
  it('name every package compiled into a bundle', () => {
    const maps = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js.map'));
    assert.ok(maps.length > 0, 'dist/ has no source maps: run npm run build (the development build) first');
    const bundled = new Set<string>();
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, 'dist', map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source.slice(source.lastIndexOf('node_modules/')));
        if (match) bundled.add(match[1]);
      }
    }
    const notices = readFileSync(join(root, 'THIRD-PARTY-NOTICES.md'), 'utf8');
    const missing = [...bundled].filter((name) => !notices.includes(`| ${name} |`)).sort();
    assert.deepEqual(missing, [], 'add these packages (and their licence texts) to THIRD-PARTY-NOTICES.md');
    assert.match(notices, /BSD 3-Clause/);
    assert.match(notices, /PostgreSQL Global Development Group/);
  });
});
