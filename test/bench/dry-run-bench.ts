/**
 * Dry-run figures on the embedded engine: the first dry run of a migration at the end of a
 * 200-migration history (nothing cached: replay, then trace), a repeated one (history cached in the
 * warm host), one from a new host process (history from the disk cache), and the calling process's
 * memory, which must not grow by a PGlite instance (that lives in the host process).
 *
 *   node --import tsx test/bench/dry-run-bench.ts      (uses dist/pglite-host.js when built)
 *
 * The history is the first 200 migrations of a real project from ../shared/corpus when present
 * (BENCH_DRYRUN_HISTORY names another folder), else a generated one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { disposeDryRunHosts, dryRun, readMigrationToTrace, type DryRunOptions } from '../../server/src/db/dry-run';
import { folderSource } from '../../server/src/db/history-files';
import { loadHistory } from '../../server/src/engine/history/load';
import { forgetPlannedHistory, type HistoryFile } from '../../server/src/db/plan';

const root = join(__dirname, '..', '..');
const HISTORY_LENGTH = 200;
const REPEATS = Number(process.env.BENCH_RUNS ?? 7);
const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS ?? 3);
const CORPUS = process.env.BENCH_DRYRUN_HISTORY ?? join(root, '..', 'shared', 'corpus', 'postgres', 'lemmy', 'migrations');

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Workload {
  label: string;
  history: HistoryFile[];
  file: string;
  text: string;
}

function corpusWorkload(): Workload | undefined {
  if (!existsSync(CORPUS)) return undefined;
  const migrations = loadHistory(folderSource(CORPUS)).migrations;
  if (migrations.length <= HISTORY_LENGTH) return undefined;
  const target = migrations[HISTORY_LENGTH];
  const { text, history } = readMigrationToTrace(join(CORPUS, target.path), CORPUS);
  return { label: `${CORPUS} (${history.length} earlier migrations, then ${target.path})`, history, file: target.path, text };
}

/** A plausible history: tables, then columns, indexes and foreign keys added over time. */
function generatedWorkload(): Workload {
  const history: HistoryFile[] = [];
  for (let i = 0; i < HISTORY_LENGTH; i++) {
    const table = `t${i % 40}`;
    const text =
      i < 40
        ? `CREATE TABLE ${table} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`
        : i % 3 === 0
          ? `ALTER TABLE ${table} ADD COLUMN c${i} integer;\nCREATE INDEX ${table}_c${i}_idx ON ${table} (c${i});`
          : i % 3 === 1
            ? `ALTER TABLE ${table} ADD COLUMN ref${i} bigint REFERENCES t${(i + 7) % 40} (id);`
            : `INSERT INTO ${table} (name) SELECT 'row ' || g FROM generate_series(1, 50) g;`;
    history.push({ name: `${String(i + 1).padStart(4, '0')}_m.sql`, text });
  }
  return { label: `generated (${HISTORY_LENGTH} migrations)`, history, file: 'next.sql', text: 'ALTER TABLE t1 ADD COLUMN flag boolean NOT NULL DEFAULT false;\nCREATE INDEX t1_flag_idx ON t1 (flag);' };
}

async function main(): Promise<void> {
  await loadPostgresParser();
  const bundled = process.env.BENCH_PGLITE_HOST ?? join(root, 'dist', 'pglite-host.js');
  const host = existsSync(bundled) ? { script: bundled } : undefined;
  console.log(`Dry run on PGlite; host: ${host ? bundled : 'server/src/db/pglite/host.ts (not built: run npm run build for the shipped host)'}`);
  const rssAtStart = process.memoryUsage().rss;
  // A generated history of small migrations, and a real project's, whose 200 migrations hold far more statements.
  for (const work of [generatedWorkload(), corpusWorkload()]) if (work) await measure(work, host);
  const rssAtEnd = process.memoryUsage().rss;
  console.log(`\nThis (calling) process: RSS ${mb(rssAtStart)} at the start, ${mb(rssAtEnd)} after all dry runs ` +
    `(${rssAtEnd >= rssAtStart ? '+' : ''}${mb(rssAtEnd - rssAtStart)}); each PGlite instance (~400 MB) lived in a host process`);
}

async function measure(work: Workload, host: DryRunOptions['host']): Promise<void> {
  console.log(`\n${work.label}`);
  // First runs: a new host process, an empty cache folder, nothing parsed yet; the median of a few.
  const firsts: number[] = [];
  let first: Awaited<ReturnType<typeof dryRun>> | undefined;
  for (let i = 0; i < FIRST_RUNS; i++) {
    const fresh = mkdtempSync(join(tmpdir(), 'safe-migrations-dryrun-bench-'));
    forgetPlannedHistory();
    try {
      const t = performance.now();
      first = await dryRun({ file: work.file, text: work.text, history: work.history, storageDir: fresh, host });
      firsts.push(performance.now() - t);
    } finally {
      await disposeDryRunHosts();
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  console.log(`  first dry run (new host, nothing cached): median ${ms(median(firsts))} of ${firsts.map(ms).join(', ')} (target ≤ 3000 ms)`);
  console.log(`    ${first!.status}: ${first!.verdict}`);
  console.log(`    history: ${first!.history?.statements} statements, ${first!.history?.failed.length} skipped as PGlite could not run them`);

  const storageDir = mkdtempSync(join(tmpdir(), 'safe-migrations-dryrun-bench-'));
  const options: DryRunOptions = { file: work.file, text: work.text, history: work.history, storageDir, host };
  try {
    await dryRun(options);

    const repeated: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      const again = await dryRun(options);
      repeated.push(performance.now() - t);
      if (!again.history?.cached) throw new Error('the repeated dry run replayed the history again');
    }
    console.log(`  repeated dry run (history cached in the warm host): median ${ms(median(repeated))} of ${REPEATS} (target ≤ 300 ms)`);

    await disposeDryRunHosts();
    const t = performance.now();
    const cold = await dryRun(options);
    console.log(`  new host process, history from the disk cache: ${ms(performance.now() - t)} (cached: ${cold.history?.cached})`);

  } finally {
    await disposeDryRunHosts();
    rmSync(storageDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
