/**
 * The caller's side of the PGlite host: starts the child process on first use, sends one request at a
 * time, and stops the process to cancel (PGlite cannot interrupt a running statement, and nothing in
 * the child is committed anywhere). An idle host keeps its replayed database warm for the next dry
 * run, does not keep the caller alive, and exits after `idleMs`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DryRunProgress, StatementReport } from '../report';
import type { FromHost, HostResult, PrepareRequest, TraceRequest } from './protocol';

export interface PgliteHostOptions {
  /** The host script; by default dist/pglite-host.js beside the bundle, or host.ts when run from source. */
  script?: string;
  /** Stop the host after this long without a request (default 5 minutes). */
  idleMs?: number;
  /** Restart the host before the next request once its memory has grown past this (default 1.5 GB). */
  maxRssBytes?: number;
}

export type HostOutcome =
  | { kind: 'result'; result: HostResult }
  | { kind: 'cancelled'; statements: StatementReport[] }
  | { kind: 'timeout'; statements: StatementReport[]; afterMs: number }
  | { kind: 'failed'; message: string; statements: StatementReport[] };

export interface HostCall {
  signal?: AbortSignal;
  onProgress?: (progress: DryRunProgress) => void;
  /** Stop the host when a statement runs this long (PGlite ignores statement_timeout). */
  inactivityMs: number;
  /** The same limit while booting and replaying the history, which report less often (default 2 minutes). */
  setupMs?: number;
}

export class PgliteHost {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private lastRss = 0;
  private stderrTail = '';
  /** A request is in flight: the host must keep the caller alive and must not be stopped as idle. */
  private busy = false;

  constructor(private readonly options: PgliteHostOptions = {}) {}

  /**
   * Starts the host process now (if it is not running) and lets it boot the database it will likely
   * need, while the caller prepares its request. Sent before that request, so handled before it.
   */
  warmUp(prepare: Omit<PrepareRequest, 'type'>): void {
    if (this.lastRss > (this.options.maxRssBytes ?? 1.5e9)) return;
    this.start().then(
      (child) => {
        child.send({ ...prepare, type: 'prepare' } satisfies PrepareRequest);
        this.idle();
      },
      () => undefined, // the request that follows reports the failure
    );
  }

  request(body: Omit<TraceRequest, 'id' | 'type'>, call: HostCall): Promise<HostOutcome> {
    const next = this.chain.then(() => this.run(body, call));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Stops the host, letting it finish saving a replayed state to the cache first (up to `graceMs`). */
  async dispose(graceMs = 10_000): Promise<void> {
    clearTimeout(this.idleTimer);
    const child = this.child;
    if (!child) return;
    this.forget();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      child.send({ type: 'shutdown' });
    } catch {
      child.kill('SIGKILL');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private async run(body: Omit<TraceRequest, 'id' | 'type'>, call: HostCall): Promise<HostOutcome> {
    clearTimeout(this.idleTimer);
    if (this.lastRss > (this.options.maxRssBytes ?? 1.5e9)) await this.dispose();
    const statements: StatementReport[] = [];
    if (call.signal?.aborted) return { kind: 'cancelled', statements };
    this.busy = true;
    let child: ChildProcess;
    try {
      child = await this.start();
    } catch (error) {
      this.busy = false;
      return { kind: 'failed', message: `could not start the embedded database process: ${(error as Error).message}`, statements };
    }
    const id = this.nextId++;
    return new Promise<HostOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let tracing = false;
      const arm = (): void => {
        clearTimeout(timer);
        const limit = tracing ? call.inactivityMs : Math.max(call.inactivityMs, call.setupMs ?? 120_000);
        timer = setTimeout(() => finish({ kind: 'timeout', statements, afterMs: limit }, true), limit);
      };
      const onMessage = (message: FromHost): void => {
        if (message.type === 'ready' || message.id !== id) return;
        if (message.type === 'progress') {
          if (message.progress.statement) statements.push(message.progress.statement);
          tracing = message.progress.phase === 'tracing';
          call.onProgress?.(message.progress);
          arm();
        } else if (message.type === 'result') {
          this.lastRss = message.result.rss;
          finish({ kind: 'result', result: message.result }, false);
        } else finish({ kind: 'failed', message: message.message, statements }, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        const detail = this.stderrTail.trim() ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' ')}` : '';
        finish({ kind: 'failed', message: `the embedded database process stopped (${signal ?? `exit code ${code}`})${detail}`, statements }, false);
      };
      const onAbort = (): void => finish({ kind: 'cancelled', statements }, true);
      const finish = (outcome: HostOutcome, kill: boolean): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        call.signal?.removeEventListener('abort', onAbort);
        this.busy = false;
        if (kill) this.kill();
        else this.idle();
        resolve(outcome);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      call.signal?.addEventListener('abort', onAbort, { once: true });
      child.send({ ...body, type: 'trace', id } satisfies TraceRequest);
      arm();
    });
  }

  private start(): Promise<ChildProcess> {
    if (this.child && this.ready) {
      // ref() again: a warm, idle host was unreferenced so as not to keep the caller alive.
      clearTimeout(this.idleTimer);
      this.child.ref();
      this.child.channel?.ref();
      return this.ready.then(() => this.child!);
    }
    const { script, execArgv } = hostScript(this.options.script);
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    // The child needs no credentials: keep connection strings out of its environment.
    delete env.SAFE_MIGRATIONS_DATABASE_URL;
    const child = fork(script, [], { execArgv, env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    child.once('exit', () => {
      if (this.child === child) this.forget();
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromHost): void => {
        if (m.type !== 'ready') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null): void => reject(new Error(`exit code ${code}${this.stderrTail ? `: ${this.stderrTail.trim().slice(-500)}` : ''}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', (error) => reject(error));
    });
    return this.ready.then(() => child);
  }

  /** Between requests: the host must not keep the caller's process alive, and goes away when unused. */
  private idle(): void {
    const child = this.child;
    if (!child || this.busy) return;
    child.unref();
    child.channel?.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.dispose(), this.options.idleMs ?? 5 * 60_000);
    this.idleTimer.unref();
  }

  private kill(): void {
    const child = this.child;
    this.forget();
    child?.kill('SIGKILL');
  }

  private forget(): void {
    this.child = undefined;
    this.ready = undefined;
  }
}

function hostScript(explicit: string | undefined): { script: string; execArgv: string[] } {
  if (explicit) return { script: explicit, execArgv: explicit.endsWith('.ts') ? tsxArgs() : [] };
  const bundled = join(__dirname, 'pglite-host.js');
  if (existsSync(bundled)) return { script: bundled, execArgv: [] };
  return { script: join(__dirname, 'host.ts'), execArgv: tsxArgs() };
}

/** Running from source (tests, development): load TypeScript through tsx, found from this folder. */
function tsxArgs(): string[] {
  const require = createRequire(join(__dirname, 'client.js'));
  return ['--import', pathToFileURL(require.resolve('tsx')).href];
}
