/**
 * UI smoke test: the extension in a real VS Code workbench (code-server's VS Code 1.100.3 in headless
 * chromium), used the way a person does: open the flagged migration from Quick Open, see the squiggle
 * and the Problems entry, run "Safe Migrations: Show Rule Documentation" from the command palette.
 * Screenshots go to test-results/ (ui-smoke-*.png); a failing step saves ui-smoke-failure.png.
 *
 * Needs code-server (scripts/e2e/install-code-server.sh) and a built extension (npm run build), or
 * SAFE_MIGRATIONS_VSIX=<file.vsix> to test a packaged one. Run: node test/run-tests.mjs test/e2e/ui-smoke
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  makeSandbox,
  projectRoot,
  remoteUri,
  startVSCodeServer,
  workbenchUrl,
  type RunningServer,
  type Sandbox,
} from '../../../scripts/e2e/code-server';
import { copyFixtureWorkspace, extensionUnderTest, writeUserSettings } from '../support/setup';

const FLAGGED_FILE = 'V3__index_accounts_email.sql';
const RULE = 'create-index-concurrently';
const RESULTS = join(projectRoot, 'test-results');
const STEP_TIMEOUT = 30_000;

describe('UI smoke: Safe Migrations in the VS Code workbench', { timeout: 180_000 }, () => {
  let sandbox: Sandbox;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    sandbox = makeSandbox('safe-migrations-ui-smoke', process.env.SAFE_MIGRATIONS_E2E_VERBOSE === '1');
    const extension = extensionUnderTest(sandbox.dir, process.env.SAFE_MIGRATIONS_VSIX);
    const workspace = copyFixtureWorkspace(sandbox.dir);
    const userDataDir = join(sandbox.dir, 'user-data');
    writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Light Modern', 'editor.minimap.enabled': false });
    server = await startVSCodeServer({
      serverDataDir: join(sandbox.dir, 'server-data'),
      userDataDir,
      extensionsDir: join(sandbox.dir, 'extensions'),
      env: sandbox.env,
    });
    browser = await launchChromium(sandbox);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Without extensionTestsPath this is an ordinary window with the extension under development loaded.
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
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    sandbox?.remove();
  });

  /** Runs a step; when it fails, saves what the workbench showed at that moment. */
  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'ui-smoke-failure.png') }).catch(() => undefined);
      throw error;
    }
  }

  /** Opens a quick input and types into it; `text` includes the mode prefix ('>' commands, ':' line). */
  async function quickInput(opener: string, text: string): Promise<void> {
    await page.keyboard.press(opener);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await input.fill(text);
  }

  it('opens the flagged migration from Quick Open', () =>
    step(async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }); // focus the workbench
      await quickInput('Control+P', FLAGGED_FILE);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: FLAGGED_FILE }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator(`.tabs-container .tab[aria-label*="${FLAGGED_FILE}"]`).waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .view-lines', { hasText: 'CREATE INDEX accounts_email_idx' }).waitFor({ timeout: STEP_TIMEOUT });
    }));

  it('underlines the CREATE INDEX statement', () =>
    step(async () => {
      const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
      await squiggle.waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
      // The squiggle sits on line 2, the CREATE INDEX statement (line 1 is a comment).
      const statement = page.locator('.monaco-editor .view-line', { hasText: 'CREATE INDEX accounts_email_idx' });
      const [squiggleBox, lineBox] = await Promise.all([squiggle.boundingBox(), statement.boundingBox()]);
      assert.ok(squiggleBox && lineBox, 'the squiggle or the statement is not rendered');
      assert.ok(Math.abs(squiggleBox.y - lineBox.y) < lineBox.height, `squiggle at y=${squiggleBox.y}, statement at y=${lineBox.y}`);
    }));

  it('lists the finding in the Problems panel with its rule code', () =>
    step(async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: RULE });
      await row.first().waitFor({ timeout: STEP_TIMEOUT });
      const text = (await row.first().innerText()).replace(/\s+/g, ' ');
      assert.match(text, /SHARE/);
      assert.match(text, /accounts/);
      assert.match(text, /safe-migrations/);
      await page.screenshot({ path: join(RESULTS, 'ui-smoke-problems.png') });
    }));

  it('runs Show Rule Documentation from the command palette and shows the rule page', () =>
    step(async () => {
      // Put the cursor on the finding (line 2) so the command opens its page without asking.
      await page.locator('.monaco-editor .view-lines').first().click();
      await quickInput('Control+G', ':2');
      await page.keyboard.press('Enter');
      await quickInput('F1', '>Safe Migrations: Show Rule Documentation');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Rule Documentation' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator(`.tabs-container .tab[aria-label*="${RULE}"]`).waitFor({ timeout: STEP_TIMEOUT });
      // The preview renders the page inside nested webview frames: find the one that shows its title.
      const deadline = Date.now() + STEP_TIMEOUT;
      let rendered = false;
      while (!rendered && Date.now() < deadline) {
        for (const frame of page.frames()) {
          const heading = await frame.locator('h1').first().textContent({ timeout: 200 }).catch(() => null);
          if (heading?.trim() === RULE) rendered = true;
        }
        if (!rendered) await new Promise((done) => setTimeout(done, 250));
      }
      assert.ok(rendered, `the markdown preview never showed the heading "${RULE}"`);
      await page.screenshot({ path: join(RESULTS, 'ui-smoke-rule-documentation.png') });
    }));
});
