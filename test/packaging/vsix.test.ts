/**
 * The packaged extension ships bundles only (.vscodeignore is an allowlist): no sources, tests, source
 * maps or node_modules, but everything the bundles load at run time. The .vsix is built by the
 * project's own `npm run package`, in a staged copy of the work tree so that the shared dist/ (which
 * other tests run) is never rebuilt under them; SAFE_MIGRATIONS_VSIX=<file> checks an existing one.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listZip, type ZipEntry } from './zip';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; main: string };
/**
 * Bundles, the parser, PGlite's runtime (~20 MB before compression) and docs. node_modules or source
 * maps slipping in would add far more than the margin left.
 */
const MAX_VSIX_BYTES = 30 * 1024 * 1024;
/** What the bundles load at run time, beside them in dist/. */
const RUNTIME_FILES = [
  'dist/libpg-query.wasm',
  'dist/pglite-host.js',
  'dist/pglite.wasm',
  'dist/pglite.data',
  'dist/initdb.wasm',
  'dist/pglite-datadir.tgz',
];

/** The work tree as git sees it (tracked and new files, minus ignored ones), or a plain walk without git. */
function workTreeFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0) return git.stdout.split('\0').filter((f) => f && existsSync(join(root, f)));
  const skip = new Set(['node_modules', '.git', '.tools', 'dist', 'out', 'test-results', '.vscode-test']);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = dir ? `${dir}/${name}` : name;
      if (skip.has(name) || name.endsWith('.vsix')) continue;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('');
  return files;
}

function buildVsixInStaging(staging: string): string {
  for (const file of workTreeFiles()) {
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    cpSync(join(root, file), join(staging, file));
  }
  // The build needs esbuild and vsce; .vscodeignore keeps node_modules out of the package.
  symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
  const out = join(staging, `${pkg.name}-${pkg.version}.vsix`);
  const run = spawnSync('npm', ['run', '--silent', 'package'], { cwd: staging, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  assert.equal(run.status, 0, `npm run package failed:\n${run.stdout}${run.stderr}`);
  assert.ok(existsSync(out), `npm run package did not write ${relative(staging, out)}`);
  return out;
}

describe('packaged extension (.vsix)', { timeout: 300_000 }, () => {
  let staging: string | undefined;
  let vsix: string;
  let entries: ZipEntry[];
  let files: string[];
  /** The dist/ folder the package was built from. */
  let built: string;

  before(() => {
    if (process.env.SAFE_MIGRATIONS_VSIX) {
      vsix = process.env.SAFE_MIGRATIONS_VSIX;
      built = join(root, 'dist');
    } else {
      staging = mkdtempSync(join(tmpdir(), 'safe-migrations-vsix-'));
      vsix = buildVsixInStaging(staging);
      built = join(staging, 'dist');
    }
    entries = listZip(vsix);
    // A .vsix holds the extension under extension/, beside the package manifest and content types.
    files = entries.filter((e) => e.name.startsWith('extension/') && !e.name.endsWith('/')).map((e) => e.name.slice('extension/'.length));
    const size = statSync(vsix).size;
    console.log(`${vsix}: ${(size / 1024 / 1024).toFixed(2)} MB, ${files.length} files`);
    for (const e of entries) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
  });

  after(() => {
    if (staging) rmSync(staging, { recursive: true, force: true });
  });

  it('holds no sources, tests, source maps, dependencies or local tooling', () => {
    const forbidden = files.filter(
      (f) =>
        /\.(ts|tsx|mts|cts|map)$/.test(f) ||
        /(^|\/)node_modules\//.test(f) ||
        /^(client|server|test|scripts|examples|\.tools|\.ci|\.vscode|out|test-results)\//.test(f) ||
        /^(tsconfig\.json|eslint\.config\.mjs|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(f) ||
        f.endsWith('.vsix'),
    );
    assert.deepEqual(forbidden, []);
  });

  it('holds only allowlisted files', () => {
    const allowed = [
      /^package\.json$/,
      /^(readme|README)\.md$/,
      /^(changelog|CHANGELOG)\.md$/,
      /^(LICENSE|LICENSE\.txt)$/,
      /^THIRD-PARTY-NOTICES\.md$/,
      /^images\/icon\.png$/,
      /^dist\/[^/]+\.js$/,
      /^dist\/libpg-query\.wasm$/,
      /^dist\/(pglite\.wasm|pglite\.data|initdb\.wasm|pglite-datadir\.tgz)$/,
      /^dist\/pglite-contrib\/[a-z0-9_-]+\.tar\.gz$/,
      /^dist\/docs\/.+/,
      /^syntaxes\/.+/,
    ];
    assert.deepEqual(files.filter((f) => !allowed.some((a) => a.test(f))), []);
  });

  it('holds the bundles, what they load at run time, the rule pages and the grammar', () => {
    for (const required of [pkg.main.replace(/^\.\//, ''), 'dist/server.js', 'dist/cli.js', ...RUNTIME_FILES, 'package.json', 'THIRD-PARTY-NOTICES.md']) {
      assert.ok(files.includes(required), `${required} is missing from the package`);
    }
    // vsce stores LICENSE as LICENSE.txt.
    assert.ok(files.includes('LICENSE') || files.includes('LICENSE.txt'), 'the licence is missing from the package');
    const wasm = entries.find((e) => e.name === 'extension/dist/libpg-query.wasm')!;
    assert.ok(wasm.size > 500_000, `libpg-query.wasm is only ${wasm.size} bytes`);
    // Every PGlite extension the build copies is shipped.
    const contrib = readdirSync(join(root, 'dist', 'pglite-contrib')).map((f) => `dist/pglite-contrib/${f}`);
    assert.ok(contrib.length > 0, 'dist/pglite-contrib is empty: run npm run build');
    assert.deepEqual(contrib.filter((f) => !files.includes(f)), []);
    const pages = files.filter((f) => /^dist\/docs\/rules\/[a-z0-9-]+\.md$/.test(f));
    const sourcePages = readdirSync(join(root, 'server', 'docs', 'rules')).filter((f) => f.endsWith('.md'));
    assert.ok(pages.includes('dist/docs/rules/create-index-concurrently.md'));
    assert.equal(pages.length, sourcePages.length, 'every rule page in server/docs/rules must be packaged');
    assert.ok(files.some((f) => /^syntaxes\/.+\.json$/.test(f)), 'the directive grammar is missing');
  });

  it('ships every file the build puts in dist/ except source maps', () => {
    // A new file the bundles load at run time must be added to .vscodeignore's allowlist.
    const emitted: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(join(built, dir))) {
        const rel = dir ? `${dir}/${name}` : name;
        if (statSync(join(built, rel)).isDirectory()) walk(rel);
        else if (!rel.endsWith('.map')) emitted.push(`dist/${rel}`);
      }
    };
    walk('');
    assert.ok(emitted.includes('dist/server.js'), `${built} holds no build`);
    assert.deepEqual(emitted.filter((f) => !files.includes(f)), []);
  });

  it('stays small', () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `${(size / 1024 / 1024).toFixed(2)} MB is over the ${MAX_VSIX_BYTES / 1024 / 1024} MB bound`);
  });
});
