/**
 * Screenshot of the dry-run report view in a real VS Code workbench (code-server in headless
 * chromium), used as a person would: open a migration from Quick Open, run "Safe Migrations: Dry Run
 * This Migration" from the command palette, wait for the report. Saves test-results/dry-run-report.png
 * (and dry-run-report-details.png, scrolled to the statements); exits non-zero when the report does
 * not show its verdict and timeline.
 *
 * Needs code-server (scripts/e2e/install-code-server.sh) and a built extension (npm run build).
 * Run: node --import tsx test/screenshots/dry-run-report.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { launchChromium, makeSandbox, projectRoot, remoteUri, startVSCodeServer, workbenchUrl } from '../../scripts/e2e/code-server';
import { copyFixtureWorkspace, extensionUnderTest, writeUserSettings } from '../e2e/support/setup';

const RESULTS = join(projectRoot, 'test-results');
const MIGRATION = 'V5__score_and_order_index.sql';
/** A migration that shows every colour of the grid: a rewrite, a SHARE lock, a lock held across statements. */
const SQL = `-- Adds a score to every account and indexes orders by total.
ALTER TABLE accounts ADD COLUMN score int NOT NULL DEFAULT (random() * 100)::int;

CREATE INDEX orders_total_cents_idx ON orders (total_cents);

UPDATE accounts SET score = 0 WHERE email LIKE '%@example.com';

ALTER TABLE orders ADD CONSTRAINT orders_account_id_fkey
  FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
`;

async function reportFrame(page: Page, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const verdict = await frame.locator('h1.verdict').count().catch(() => 0);
      if (verdict > 0) return frame;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the dry-run report never appeared');
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const sandbox = makeSandbox('safe-migrations-dry-run-shot', process.env.SAFE_MIGRATIONS_E2E_VERBOSE === '1');
  writeUserSettings(join(sandbox.dir, 'user-data'), { 'workbench.colorTheme': 'Default Light Modern', 'editor.minimap.enabled': false });
  const server = await startVSCodeServer({
    serverDataDir: join(sandbox.dir, 'server-data'),
    userDataDir: join(sandbox.dir, 'user-data'),
    extensionsDir: join(sandbox.dir, 'extensions'),
    env: sandbox.env,
  }).catch((error) => {
    sandbox.remove();
    throw error;
  });
  const browser = await launchChromium(sandbox);
  try {
    const extension = extensionUnderTest(sandbox.dir);
    const workspace = copyFixtureWorkspace(sandbox.dir);
    writeFileSync(join(workspace, 'migrations', MIGRATION), SQL);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const url = workbenchUrl(server.origin, {
      folder: workspace,
      payload: [
        ['extensionDevelopmentPath', remoteUri(server.port, extension)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ],
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench').click({ position: { x: 800, y: 400 } });

    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(MIGRATION);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: MIGRATION }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'ALTER TABLE accounts' }).waitFor({ timeout: 30_000 });
    // The CodeLens above the first line: the person's way in.
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Dry run' }).first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('>Safe Migrations: Dry Run This Migration');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dry Run This Migration' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');

    const frame = await reportFrame(page, 90_000);
    const verdict = (await frame.locator('h1.verdict').textContent())?.trim();
    const cells = await frame.locator('td.cell-rw').count();
    console.log(`verdict: ${verdict}; cells blocking reads and writes: ${cells}`);
    if (!verdict || cells === 0) throw new Error('the report shows no verdict or no blocked cells');
    // Give the notification of the finished progress time to go away.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(RESULTS, 'dry-run-report.png') });
    await frame.locator('#statements-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS, 'dry-run-report-details.png') });
    console.log(`saved ${join(RESULTS, 'dry-run-report.png')}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    sandbox.remove();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
