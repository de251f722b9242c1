/**
 * V8 tuning for linting, applied from inside the process: the CLI and the language server are run as
 * `node dist/…js`, so there is no command line to put flags on. Both flags only steer heuristics that
 * V8 reads when it needs them, so setting them after start-up is safe.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * A lint keeps every statement's parse tree, the schema model and the findings alive until it ends,
 * so most of what it allocates survives the young generation's collections and is copied on each one.
 * V8 starts with a small young generation and doubles it only after such a collection; growing it
 * eightfold instead reaches full size after one or two collections. Measured on the 5,000-statement
 * benchmark file: 9 young collections instead of 14–15, and roughly half the time spent in them.
 */
export function tuneHeapForLinting(): void {
  setFlagsFromString('--semi-space-growth-factor=8');
}

/**
 * For a process that parses and exits (the `lint` command): keep PostgreSQL's parser in WebAssembly
 * baseline code. By default V8 soon starts recompiling the parser's huge grammar function with its
 * optimising compiler on another thread; in a run of a few hundred milliseconds that code arrives
 * too late to pay off, the compile takes the second core away from the lint, and Node waits for it
 * to finish before the process can exit. Measured on this project's 2-core machines: the 5,000-statement
 * benchmark file about 190 ms sooner (background CPU 300 ms instead of 670), a one-statement file
 * about 70 ms sooner, and a 30,000-statement file still about 80 ms sooner. Must run before the
 * parser's module is compiled (loadPostgresParser). The language server keeps the default: it lives
 * long enough for the optimised parser to pay off.
 */
export function baselineWasmForShortRuns(): void {
  setFlagsFromString('--liftoff-only');
}
