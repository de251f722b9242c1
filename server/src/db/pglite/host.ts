/**
 * Entry point of the PGlite host: a child process that owns the embedded databases. PGlite's WASM
 * memory is never returned to the operating system, so it must not live in the editor's extension
 * host or the language server; here it goes away with the process. The parent stops this process to
 * cancel a dry run (nothing in it is ever committed anywhere but its own memory and cache).
 */
import { PgliteRunner } from './runner';
import type { FromHost, ToHost } from './protocol';

const runner = new PgliteRunner();
let queue: Promise<void> = Promise.resolve();

function send(message: FromHost): void {
  process.send?.(message);
}

process.on('message', (message: ToHost) => {
  if (message.type === 'shutdown') {
    // After the queued work, which may be saving a replayed state to the cache.
    queue = queue.then(() => process.exit(0));
    return;
  }
  if (message.type === 'prepare') {
    queue = queue.then(() => runner.prepare(message));
    return;
  }
  if (message.type !== 'trace') return;
  // One request at a time: the embedded database has one connection.
  queue = queue.then(async () => {
    try {
      const result = await runner.trace(message, (progress) => send({ type: 'progress', id: message.id, progress }));
      send({ type: 'result', id: message.id, result });
    } catch (error) {
      send({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
    // Cache the replayed state after replying, so that the report is not kept waiting for it.
    await runner.saveState().catch(() => undefined);
  });
});

send({ type: 'ready' });

// The parent went away (closed, crashed or killed): nothing left to serve.
process.on('disconnect', () => process.exit(0));
