/**
 * The CLI's compile cache: the launcher saves V8's bytecode of the CLI after the first run and later
 * runs use it. V8 refuses a cache made for other flags or another source, and the launcher writes the
 * cache only when there was none or V8 refused it: a cache file left untouched by a run was accepted.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrationText } from '../bench/workload';
import { COMPILE_CACHE_ENV, compileCacheFolder } from '../../server/src/node/compile-cache';
import { OPTIMISING_COMPILER_PAYS_FROM_BYTES } from '../../server/src/node/v8-tuning';
import { scratchFolder, useBuiltCli, type CliRun } from './helpers';

const cli = useBuiltCli();

const big = migrationText(8000);
const folder = scratchFolder({
  'small.sql': 'CREATE INDEX i ON t (c);\nALTER TABLE t ADD COLUMN d int NOT NULL;\n',
  'big.sql': big,
  'not-a-folder': 'a file where the cache folder would go\n',
});

const lint = (cacheSetting: string, file = 'small.sql', env: Record<string, string | undefined> = {}): CliRun =>
  cli.run(['lint', '--format', 'json', file], { cwd: folder, env: { [COMPILE_CACHE_ENV]: cacheSetting, ...env } });

const cacheFiles = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort() : []);

/** Modification time and content of each cache file in `dir`. */
const snapshot = (dir: string) => cacheFiles(dir).map((f) => ({ name: f, mtimeMs: statSync(join(dir, f)).mtimeMs, bytes: readFileSync(join(dir, f)) }));

describe('compile cache', () => {
  const uncached = () => lint('off');

  it('is written by the first run, and later runs use it without rewriting it', () => {
    const dir = join(folder, 'cache-a');
    const reference = uncached();
    assert.equal(reference.status, 1, reference.stderr);
    const first = lint(dir);
    assert.deepEqual([first.status, first.stdout, first.stderr], [reference.status, reference.stdout, reference.stderr]);
    const written = snapshot(dir);
    assert.equal(written.length, 1, `one cache file, got ${written.map((w) => w.name)}`);
    assert.equal(written[0].name.replace(/^cli-[0-9a-f]{16}-[0-9a-f]{8}-/, ''), `${process.version}-${process.arch}.v8cache`);
    assert.ok(written[0].bytes.length > 100_000, `a cache of the whole CLI, got ${written[0].bytes.length} bytes`);
    if (process.platform !== 'win32') assert.equal(statSync(join(dir, written[0].name)).mode & 0o777, 0o600);

    const second = lint(dir);
    assert.deepEqual([second.status, second.stdout], [reference.status, reference.stdout]);
    assert.deepEqual(snapshot(dir), written, 'the second run accepted the cache and left it alone');
  });

  it('stays valid across runs that switch the optimising compiler off and on', () => {
    assert.ok(Buffer.byteLength(big) >= OPTIMISING_COMPILER_PAYS_FROM_BYTES, 'big.sql keeps the optimising compiler on');
    const dir = join(folder, 'cache-b');
    assert.equal(lint(dir).status, 1); // small input: compiler off during the run, back on before the save
    const written = snapshot(dir);
    assert.equal(written.length, 1);
    const bigRun = lint(dir, 'big.sql');
    assert.equal(bigRun.status, 1, bigRun.stderr);
    assert.deepEqual(bigRun.stdout, lint('off', 'big.sql').stdout);
    lint(dir);
    assert.deepEqual(snapshot(dir), written, 'both kinds of run accepted the same cache');
  });

  it('replaces a corrupt cache and still lints correctly', () => {
    const dir = join(folder, 'cache-c');
    lint(dir);
    const [name] = cacheFiles(dir);
    writeFileSync(join(dir, name), Buffer.alloc(200_000, 7));
    const run = lint(dir);
    assert.deepEqual([run.status, run.stdout, run.stderr], [uncached().status, uncached().stdout, '']);
    const replaced = snapshot(dir);
    assert.equal(replaced.length, 1);
    assert.notDeepEqual(replaced[0].bytes, Buffer.alloc(200_000, 7), 'V8 refused the corrupt cache and a new one was saved');
    lint(dir);
    assert.deepEqual(snapshot(dir), replaced, 'the new cache is accepted');
  });

  it('keeps one cache per set of start-up flags (lint runs differ from the others)', () => {
    const dir = join(folder, 'cache-d');
    lint(dir);
    const version = cli.run(['--version'], { cwd: folder, env: { [COMPILE_CACHE_ENV]: dir } });
    assert.equal(version.status, 0);
    assert.equal(cacheFiles(dir).length, 2);
  });

  it('is neither read nor written when turned off', () => {
    const home = join(folder, 'home-off');
    const run = lint('off', 'small.sql', { HOME: home, XDG_CACHE_HOME: join(home, 'xdg') });
    assert.equal(run.status, 1);
    assert.equal(existsSync(home), false);
  });

  it('goes to the user cache folder by default', () => {
    const home = join(folder, 'home-default');
    const run = lint('', 'small.sql', { HOME: home, XDG_CACHE_HOME: join(home, 'xdg'), [COMPILE_CACHE_ENV]: undefined });
    assert.equal(run.status, 1, run.stderr);
    const expected = compileCacheFolder({ HOME: home, XDG_CACHE_HOME: join(home, 'xdg') });
    assert.ok(expected, 'a default folder');
    assert.equal(cacheFiles(expected!).length, 1, `a cache in ${expected}`);
  });

  it('is only a missed speed-up when the folder cannot be made', () => {
    const run = lint(join(folder, 'not-a-folder', 'cache'));
    assert.deepEqual([run.status, run.stdout, run.stderr], [uncached().status, uncached().stdout, '']);
  });
});

describe('compile cache folder', () => {
  it('follows the platform conventions and the setting', () => {
    assert.equal(compileCacheFolder({ XDG_CACHE_HOME: '/x' }, 'linux'), join('/x', 'safe-migrations'));
    assert.equal(compileCacheFolder({ HOME: '/h' }, 'linux')?.endsWith(join('.cache', 'safe-migrations')), true);
    assert.equal(compileCacheFolder({ LOCALAPPDATA: 'C:\\L' }, 'win32'), join('C:\\L', 'safe-migrations', 'Cache'));
    assert.equal(compileCacheFolder({}, 'win32'), undefined);
    assert.equal(compileCacheFolder({ [COMPILE_CACHE_ENV]: '/mine' }, 'linux'), '/mine');
    for (const off of ['off', 'OFF', '0', 'false', 'no']) assert.equal(compileCacheFolder({ [COMPILE_CACHE_ENV]: off }, 'linux'), undefined);
  });
});
