/**
 * The end-to-end suite, run by VS Code's extension host (it calls run()). test/e2e/run.ts bundles this
 * file with the test files it imports into one CommonJS file.
 *
 * One file per feature, each registered below; a new feature adds its file here, and each new
 * autofix or suggestion gets a case in quick-fixes.e2e.ts. The extension host inherits the runner's
 * environment (CI, SAFE_MIGRATIONS_TEST_PG_URL…), with desktop VS Code and the code-server shim alike.
 */
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000 });
  // Binds describe/it (the functions imported from 'mocha' in the test files) to this instance.
  mocha.suite.emit('pre-require', globalThis, 'test/e2e/suite', mocha);
  await import('./activation.e2e');
  await import('./diagnostics.e2e');
  await import('./postgres-version.e2e');
  await import('./commands.e2e');
  await import('./quick-fixes.e2e');
  await import('./history.e2e');
  await import('./dry-run.e2e');

  const stats = await new Promise<{ passes: number; failures: number; tests: number }>((done) => {
    const runner = mocha.run(() => done({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, tests: runner.stats?.tests ?? 0 }));
  });
  console.log(`${stats.passes} passed, ${stats.failures} failed`);
  if (stats.failures > 0) throw new Error(`${stats.failures} end-to-end test(s) failed`);
  if (stats.passes === 0) throw new Error('the end-to-end suite ran no test');
}
