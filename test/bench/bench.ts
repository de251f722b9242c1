/**
 * `npm run bench`: our CLI and language server against squawk on the same generated input, in the
 * same run, alternating, medians of several runs. These machines are shared and noisy, so the ratios
 * are what count, not the absolute times.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeLanguageServer } from './lsp-timing';
import { editedText, migrationText } from './workload';

const root = join(__dirname, '..', '..');
const ourCli = join(root, 'dist', 'cli.js');
const squawk = join(root, 'node_modules', '@squawk-cli', 'linux-x64', 'bin', 'squawk');
const runs = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

function timeCommand(command: string, args: string[]): number {
  const t = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const elapsed = performance.now() - t;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'safe-migrations-bench-'));
  try {
    const big = migrationText(5000);
    const small = migrationText(300);
    const bigFile = join(dir, 'big.sql');
    writeFileSync(bigFile, big);
    writeFileSync(join(dir, 'small.sql'), small);

    console.log(`CLI, 5,000 statements (${(big.length / 1024).toFixed(0)} KiB), JSON output, ${runs} alternating runs each`);
    const ours: number[] = [];
    const theirs: number[] = [];
    // One untimed run each: both executables in the page cache, and our compile cache written, as
    // on any machine that has run the CLI before.
    timeCommand(squawk, [bigFile, '--reporter', 'json']);
    timeCommand(process.execPath, [ourCli, 'lint', '--format', 'json', bigFile]);
    for (let i = 0; i < runs; i++) {
      theirs.push(timeCommand(squawk, [bigFile, '--reporter', 'json']));
      ours.push(timeCommand(process.execPath, [ourCli, 'lint', '--format', 'json', bigFile]));
    }
    const cliRatio = median(ours) / median(theirs);
    console.log(`  squawk          median ${ms(median(theirs))}`);
    console.log(`  safe-migrations median ${ms(median(ours))}`);
    console.log(`  ratio ours/squawk: ${cliRatio.toFixed(2)} (target ≤ 1.25)`);

    const edits = (text: string) => Array.from({ length: 5 }, (_, i) => editedText(text, i));
    console.log('\nLanguage server: open, then 5 edits of one statement; time until the diagnostics for each edit');
    for (const [label, text] of [['300 statements', small], ['5,000 statements', big]] as const) {
      const oursLsp = await timeLanguageServer(process.execPath, [ourCli, 'lsp', '--stdio'], text, edits(text), dir);
      const theirsLsp = await timeLanguageServer(squawk, ['server'], text, edits(text), dir);
      const ratio = median(oursLsp.editMs) / median(theirsLsp.editMs);
      console.log(`  ${label}: squawk median ${ms(median(theirsLsp.editMs))} (open ${ms(theirsLsp.openMs)}), ` +
        `safe-migrations median ${ms(median(oursLsp.editMs))} (open ${ms(oursLsp.openMs)}), ratio ${ratio.toFixed(2)}`);
    }
    console.log('  targets: 5,000 statements ≤ 0.25 × squawk; 300 statements ≤ 20 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
