/**
 * Stands in for the desktop VS Code executable that @vscode/test-electron launches, on machines where
 * desktop VS Code cannot be downloaded. It accepts the same command line (--extensionDevelopmentPath,
 * --extensionTestsPath, --user-data-dir, --extensions-dir, a folder or workspace, and the desktop-only
 * flags, which it ignores), hosts VS Code 1.100.3 through code-server's bundled server, opens the
 * workbench in headless chromium with the two test paths in the `payload` query parameter, relays the
 * test output and exits with the code the workbench reports.
 *
 * Run through scripts/e2e/code-server-shim (the executable passed as VSCODE_EXECUTABLE_PATH).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import {
  HostingError,
  launchChromium,
  makeSandbox,
  remoteUri,
  startVSCodeServer,
  workbenchUrl,
  type RunningServer,
} from './code-server';
import type { Browser } from 'playwright-core';
import { parseDesktopArgs } from './desktop-args';

/**
 * The workbench's own start-up messages, and the failed marketplace lookup of a machine without
 * internet: shown only with SAFE_MIGRATIONS_E2E_VERBOSE=1 so that the test output stays readable.
 */
const WORKBENCH_CHATTER = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\] registration/,
  /^ChatSessionStore: /,
  /^getaddrinfo (ENOTFOUND|EAI_AGAIN) open-vsx\.org/,
];
const isWorkbenchChatter = (text: string) => WORKBENCH_CHATTER.some((pattern) => pattern.test(text));

const say = (line: string) => process.stderr.write(`[code-server-shim] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version')) {
    process.stdout.write('1.100.3\ncode-server-shim\nx64\n');
    return 0;
  }
  const args = parseDesktopArgs(argv);
  if (!args.extensionTestsPath || args.extensionDevelopmentPaths.length === 0) {
    say('only extension test runs are supported: pass --extensionDevelopmentPath and --extensionTestsPath');
    return 2;
  }
  if (args.extensionDevelopmentPaths.length > 1) say(`only the first --extensionDevelopmentPath is loaded: ${args.extensionDevelopmentPaths[0]}`);
  const verbose = process.env.SAFE_MIGRATIONS_E2E_VERBOSE === '1';
  if (verbose && args.ignored.length) say(`desktop-only flags, ignored: ${args.ignored.join(' ')}`);
  const sandbox = makeSandbox('safe-migrations-e2e', verbose);
  const userDataDir = args.userDataDir ?? join(sandbox.dir, 'user-data');
  const timeoutMs = Number(process.env.SAFE_MIGRATIONS_E2E_TIMEOUT_MS ?? 10 * 60_000);

  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const serverLog: string[] = [];
    server = await startVSCodeServer({
      serverDataDir: join(sandbox.dir, 'server-data'),
      userDataDir,
      extensionsDir: args.extensionsDir ?? join(sandbox.dir, 'extensions'),
      env: sandbox.env,
      onLog: (line) => {
        serverLog.push(line);
        if (verbose) say(`server: ${line}`);
      },
    });
    say(`VS Code 1.100.3 (code-server) listening on ${server.port}`);
    browser = await launchChromium(sandbox);
    const page = await browser.newPage();
    // Settles with the workbench's exit code, or with 1 (and the server's last words) when the server
    // dies or nothing is reported in time.
    let settled = false;
    let resolveExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((done) => (resolveExit = done));
    const settle = (code: number) => {
      if (settled) return;
      settled = true;
      resolveExit(code);
    };
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(Number(code)));
    const failHosting = (why: string) => {
      if (settled) return;
      say(`${why}; the VS Code server's last lines:\n${serverLog.slice(-25).join('\n')}`);
      settle(1);
    };
    timer = setTimeout(() => failHosting(`no result after ${timeoutMs / 1000} s`), timeoutMs);
    server.process.once('exit', (code, signal) => failHosting(`the VS Code server exited (${code ?? signal})`));
    // The workbench logs through this hook, and so does the extension host's console while tests run:
    // the test reporter's output arrives here, one call per console call.
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      // The arguments of one console call, printf-style format string first (as mocha's reporter writes).
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!verbose && isWorkbenchChatter(text)) return;
      (level === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    if (verbose) page.on('console', (msg) => say(`page ${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (error) => say(`page error: ${error.message}`));

    if (args.target && !existsSync(args.target)) say(`${args.target} does not exist; opening an empty window`);
    const target = args.target && existsSync(args.target) ? args.target : undefined;
    const isWorkspaceFile = !!target && statSync(target).isFile();
    const url = workbenchUrl(server.origin, {
      folder: target && !isWorkspaceFile ? target : undefined,
      workspace: target && isWorkspaceFile ? remoteUri(server.port, target) : undefined,
      payload: [
        ['extensionDevelopmentPath', remoteUri(server.port, args.extensionDevelopmentPaths[0])],
        ['extensionTestsPath', remoteUri(server.port, args.extensionTestsPath)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ],
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return await exitCode;
  } finally {
    if (timer) clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    sandbox.remove();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof HostingError ? error.message : `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
