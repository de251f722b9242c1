/**
 * V8 tuning for linting, applied from inside the process: the CLI and the language server are run as
 * `node dist/…js`, so there is no command line to put flags on. Every flag here only steers
 * heuristics that V8 reads when it needs them, so setting them after start-up is safe.
 *
 * V8 stamps its compile cache with the flags in force, and refuses a cache made under other flags.
 * So the CLI's launcher sets the start-up flags of a command before it compiles the CLI
 * (startupFlagsFor), and a flag changed later in the run is put back (restoreStartupFlags) before the
 * cache is written at exit.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * A lint keeps every statement's parse tree, the schema model and the findings alive until it ends,
 * so most of what it allocates survives the young generation's collections and is copied on each one.
 * V8 starts with a small young generation and doubles it only after such a collection; growing it
 * eightfold instead reaches full size after one or two collections. Measured on the 5,000-statement
 * benchmark file: 9 young collections instead of 14–15, and roughly half the time spent in them.
 */
const HEAP_FOR_LINTING = '--semi-space-growth-factor=8';

/**
 * For a process that parses and exits: keep PostgreSQL's parser in WebAssembly baseline code. By
 * default V8 soon starts recompiling the parser's huge grammar function with its optimising compiler
 * on another thread; in a run of a few hundred milliseconds that code arrives too late to pay off,
 * the compile takes the second core away from the lint, and Node waits for it to finish before the
 * process can exit. Measured on this project's 2-core machines: the 5,000-statement benchmark file
 * about 190 ms sooner (background CPU 300 ms instead of 670), a one-statement file about 70 ms
 * sooner, and a 30,000-statement file still about 80 ms sooner. Must be set before the parser's
 * module is compiled. The language server keeps the default: it lives long enough for the optimised
 * parser to pay off.
 */
const BASELINE_WASM = '--liftoff-only';

/** Commands that parse, report and exit within a second or so. */
const SHORT_RUNS: ReadonlySet<string> = new Set(['lint', 'fix']);

/** The flags a CLI command runs under from its start (and that its compile cache is stamped with). */
export function startupFlagsFor(command: string | undefined): readonly string[] {
  return command !== undefined && SHORT_RUNS.has(command) ? [HEAP_FOR_LINTING, BASELINE_WASM] : [HEAP_FOR_LINTING];
}

export function applyFlags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/** For the language server's own entry point, which has no launcher. */
export function tuneHeapForLinting(): void {
  applyFlags([HEAP_FOR_LINTING]);
}

/**
 * Below this much SQL a lint is over before JavaScript optimised by TurboFan pays for its compiles.
 * Measured with the benchmark's statement mix, alternating runs: without TurboFan, 5,000 statements
 * (350 KiB) took about 50 ms less wall time and 180 ms less CPU; 10,000 (700 KiB) broke even; 15,000
 * (1 MiB) took 120 ms more and 30,000 (2 MiB) 420 ms more.
 */
export const OPTIMISING_COMPILER_PAYS_FROM_BYTES = 512 * 1024;

/** The start-up value of each flag that a run may change later (skipOptimisingCompilerBelow). */
const RUN_TIME_FLAG_DEFAULTS: readonly string[] = ['--turbofan'];

/** Leaves JavaScript to the interpreter and the baseline compiler when the input is small (see above). */
export function skipOptimisingCompilerBelow(inputBytes: number, threshold = OPTIMISING_COMPILER_PAYS_FROM_BYTES): boolean {
  if (inputBytes >= threshold) return false;
  setFlagsFromString('--no-turbofan');
  return true;
}

/** Puts back the start-up value of every flag a run may have changed, so the flags match the compile cache's stamp. */
export function restoreStartupFlags(): void {
  applyFlags(RUN_TIME_FLAG_DEFAULTS);
}
