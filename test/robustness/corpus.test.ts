/**
 * Every real migration history in the shared corpus lints without a crash, a hang or a rule failing on
 * a statement ('internalError'). The histories are linted in one child process with a time limit.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { HistorySummary } from './lint-history';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'postgres');
/** The whole corpus (about 2,250 files) takes a few seconds; a minute means something hangs. */
const TIME_LIMIT_MS = 60_000;

describe('the PostgreSQL corpus', () => {
  const histories = existsSync(CORPUS) ? readdirSync(CORPUS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
  let child: SpawnSyncReturns<string>;
  const done = new Map<string, HistorySummary>();

  before(() => {
    child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'lint-history.ts'), ...histories.map((h) => join(CORPUS, h))], {
      encoding: 'utf8',
      timeout: TIME_LIMIT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const line of child.stdout.split('\n').filter(Boolean)) {
      const summary = JSON.parse(line) as HistorySummary;
      done.set(summary.history, summary);
    }
  });

  it('is there, with several histories', () => assert.ok(histories.length >= 5, `${CORPUS} holds ${histories.length} histories`));

  it('is linted to the end within the time limit', () => {
    assert.notEqual(child.signal, 'SIGTERM', `still running after ${TIME_LIMIT_MS / 1000} s, in ${histories.find((h) => !done.has(h))}`);
    assert.equal(child.status, 0, `the linter crashed:\n${child.stderr}`);
  });

  for (const history of histories) {
    it(`${history}: no crash, no hang, no internal error`, () => {
      const summary = done.get(history);
      assert.ok(summary, `${history} did not finish (${child.signal ? 'time limit' : 'crash'}): ${child.stderr.slice(0, 2000)}`);
      assert.ok(summary.files > 0 && summary.statements > 0, `${history}: ${summary.files} files, ${summary.statements} statements`);
      assert.deepEqual(summary.internalErrors, [], `${history}: rules failed on statements`);
    });
  }
});
