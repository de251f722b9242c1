/**
 * The end-to-end suite's one entry point: runs test/e2e/suite inside a real VS Code with
 * @vscode/test-electron's runTests, the extension loaded from the built project (or, with --vsix, from
 * the packaged .vsix) and a copy of test/fixtures/e2e-workspace open.
 *
 *   node --import tsx test/e2e/run.ts [--vsix [file.vsix]]
 *
 * Which VS Code: see support/vscode-executable.ts. Set SAFE_MIGRATIONS_E2E_VERBOSE=1 to keep the
 * temporary folders and see everything the workbench logs.
 */
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { join } from 'node:path';
import { HostingError, makeSandbox, projectRoot } from '../../scripts/e2e/code-server';
import { copyFixtureWorkspace, extensionUnderTest, vsixArgument, writeUserSettings } from './support/setup';
import { resolveVSCodeExecutable } from './support/vscode-executable';

/**
 * The extension host loads the suite with require(): bundle the TypeScript suite into one CommonJS
 * file. `vscode` is provided by the host; mocha is bundled (its CommonJS build: mocha 12's ESM entry
 * only re-exports it), so the suite loads wherever the extension under test lives.
 */
async function bundleSuite(): Promise<string> {
  const outfile = join(projectRoot, 'out', 'e2e', 'suite', 'index.js');
  await build({
    absWorkingDir: projectRoot,
    entryPoints: ['test/e2e/suite/index.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    alias: { mocha: 'mocha/lib/mocha.cjs' },
    logLevel: 'warning',
    // mocha's parallel mode resolves worker files at run time; the suite runs serially and never loads them.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return outfile;
}

async function main(): Promise<number> {
  const started = Date.now();
  const verbose = process.env.SAFE_MIGRATIONS_E2E_VERBOSE === '1';
  const sandbox = makeSandbox('safe-migrations-e2e-run', verbose);
  try {
    const vsix = vsixArgument(process.argv.slice(2));
    const extensionDevelopmentPath = extensionUnderTest(sandbox.dir, vsix);
    const extensionTestsPath = await bundleSuite();
    const workspace = copyFixtureWorkspace(sandbox.dir);
    const userDataDir = join(sandbox.dir, 'user-data');
    writeUserSettings(userDataDir);
    const vscode = await resolveVSCodeExecutable();
    console.log(`End-to-end suite: ${vscode.how}`);
    console.log(`  extension: ${vsix ? `${vsix} (unpacked)` : extensionDevelopmentPath}`);
    console.log(`  workspace: ${workspace}`);
    await runTests({
      vscodeExecutablePath: vscode.path,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`, `--extensions-dir=${join(sandbox.dir, 'extensions')}`],
    });
    console.log(`End-to-end suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof HostingError) console.error(`End-to-end suite FAILED: ${error.message}`);
    else console.error(`End-to-end suite FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    sandbox.remove();
  }
}

main().then((code) => process.exit(code));
