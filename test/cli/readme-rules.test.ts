/** The README's rule list is generated from the registry by scripts/gen-readme-rules.mjs and kept in sync. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/engine/index';
import { ROOT } from './helpers';

const SCRIPT = join(ROOT, 'scripts', 'gen-readme-rules.mjs');
const README = join(ROOT, 'README.md');

describe('README rule list', () => {
  const table = execFileSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });

  it('has one row per rule, in registry order, linked to its doc page', () => {
    const rows = table.trimEnd().split('\n').slice(2);
    assert.equal(rows.length, ALL_RULES.length);
    ALL_RULES.forEach((rule, i) => {
      const cells = rows[i].split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      assert.deepEqual(cells, [
        `[\`${rule.id}\`](server/docs/rules/${rule.id}.md)`,
        rule.meta.category,
        rule.meta.severity,
        rule.meta.fix,
        rule.meta.summary.replace(/\|/g, '\\|'),
      ]);
    });
  });

  it('matches the block in README.md, when the README has one', () => {
    const readme = existsSync(README) ? readFileSync(README, 'utf8') : '';
    const block = /<!-- rules:start -->\n([\s\S]*?)\n?<!-- rules:end -->/.exec(readme);
    if (!block) {
      // No README (or no block) yet: --check must say so rather than pass silently.
      assert.throws(() => execFileSync(process.execPath, [SCRIPT, '--check'], { cwd: ROOT, stdio: 'pipe' }), /README/);
      return;
    }
    assert.equal(`${block[1].trimEnd()}\n`, table, 'README.md is out of date: run node scripts/gen-readme-rules.mjs --write');
  });
});
