/**
 * Hosts a real VS Code without desktop binaries: the VS Code server bundled in code-server 4.100.3
 * (VS Code 1.100.3), with its web workbench opened in Debian's headless chromium through
 * playwright-core. Shared by the VS Code executable shim (extension tests) and the UI smoke test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';

/** Flags chromium needs to run as root on a machine without a display, GPU or internet. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class HostingError extends Error {}

/** The VS Code server inside the code-server install, or a HostingError that says how to install it. */
export function locateVSCodeServer(): string {
  const base = process.env.SAFE_MIGRATIONS_CODE_SERVER_DIR ?? join(projectRoot, '.tools', 'code-server');
  const vscode = join(base, 'node_modules', 'code-server', 'lib', 'vscode');
  if (!existsSync(join(vscode, 'out', 'server-main.js'))) {
    throw new HostingError(
      `code-server ${CODE_SERVER_VERSION} is not installed in ${base}: run scripts/e2e/install-code-server.sh ` +
        '(or set SAFE_MIGRATIONS_CODE_SERVER_DIR to an install made by it).',
    );
  }
  return vscode;
}

export function locateChromium(): string {
  const candidates = [process.env.SAFE_MIGRATIONS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new HostingError('chromium is not installed: apt-get install -y chromium (or set SAFE_MIGRATIONS_CHROMIUM).');
  return found;
}

/**
 * A throwaway folder with its own HOME and TMPDIR, so that nothing the server, the extension host or
 * chromium write lands in the real home directory.
 */
export interface Sandbox {
  dir: string;
  home: string;
  tmp: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function makeSandbox(prefix: string, keep = false): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  return {
    dir,
    home,
    tmp,
    env: { ...process.env, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    remove: () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServerOptions {
  /** Where the server keeps its data (Machine settings, logs, extension host state). */
  serverDataDir: string;
  /** Where the server keeps user data: User/settings.json is read from here. */
  userDataDir: string;
  extensionsDir: string;
  /** User settings, written to userDataDir/User/settings.json before the server starts. */
  userSettings?: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  /** Receives every line the server prints. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface RunningServer {
  port: number;
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startVSCodeServer(options: ServerOptions): Promise<RunningServer> {
  const vscode = locateVSCodeServer();
  for (const dir of [options.serverDataDir, options.userDataDir, options.extensionsDir]) mkdirSync(dir, { recursive: true });
  if (options.userSettings) {
    mkdirSync(join(options.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(options.userDataDir, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));
  }
  const args = [
    join(vscode, 'out', 'server-main.js'),
    '--host', '127.0.0.1',
    '--port', '0', // a free port, read back from the log: parallel runs never collide
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--server-data-dir', options.serverDataDir,
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
  ];
  const child = spawn(process.execPath, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new HostingError('the VS Code server did not start listening within the time limit')), options.startTimeoutMs ?? 60_000);
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        options.onLog?.(line);
        const match = /Extension host agent listening on (\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          done(Number(match[1]));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new HostingError(`the VS Code server exited before listening (${code ?? signal})`));
    });
  });
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(forced);
      }
    },
  };
}

export async function launchChromium(sandbox: Sandbox): Promise<Browser> {
  return chromium.launch({
    executablePath: locateChromium(),
    headless: true,
    args: CHROMIUM_FLAGS.filter((flag) => flag !== '--headless'), // playwright adds its own headless flag
    env: sandbox.env as Record<string, string>,
    timeout: 60_000,
  });
}

/** A remote URI for a path on the server's machine, as the web workbench expects in its payload. */
export function remoteUri(port: number, absolutePath: string): string {
  return `vscode-remote://127.0.0.1:${port}${absolutePath.split('/').map(encodeURIComponent).join('/')}`;
}

export interface WorkbenchTarget {
  folder?: string;
  workspace?: string;
  payload?: [string, string][];
}

/** The workbench address: folder or workspace to open, plus the desktop-only flags carried in `payload`. */
export function workbenchUrl(origin: string, target: WorkbenchTarget): string {
  const url = new URL(origin + '/');
  if (target.workspace) url.searchParams.set('workspace', target.workspace);
  else if (target.folder) url.searchParams.set('folder', target.folder);
  else url.searchParams.set('ew', 'true'); // an empty window
  if (target.payload?.length) url.searchParams.set('payload', JSON.stringify(target.payload));
  return url.toString();
}
