/**
 * History benchmark: index and replay the lemmy, crates.io and ory kratos histories (about 1,800
 * files, ups and downs) from a cold start, then lint them with every rule through the incremental
 * HistoryIndex and time re-lints after edits. Budgets: index + replay cold within 2 s; a re-lint after
 * an edit to one migration within 100 ms (the newest migration, and any migration when the edit does
 * not change what it does to the schema). An edit that changes the schema in the middle of a history
 * re-lints every later migration that mentions a changed object; that figure is printed for the record.
 *
 *   node --import tsx test/bench/history-bench.ts        (BENCH_RUNS=n for more runs per edit)
 */
import { join } from 'node:path';
import { loadPostgresParser, ParseCache, parseFile, resolveConfig, SchemaModel } from '../../server/src/engine/index';
import { HistoryIndex } from '../../server/src/engine/history/history-index';
import { loadHistory } from '../../server/src/engine/history/load';
import { sectionText } from '../../server/src/engine/history/section-text';
import type { History } from '../../server/src/engine/history/types';
import { FolderMigrationSource } from '../../server/src/node/migration-source';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'postgres');
const HISTORIES = ['lemmy', 'crates.io', 'ory-kratos-pg'];
const COLD_BUDGET_MS = 2000;
const EDIT_BUDGET_MS = 100;
const runs = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}

interface Loaded {
  name: string;
  source: FolderMigrationSource;
  history: History;
}

async function main(): Promise<void> {
  const config = resolveConfig();
  const cache = new ParseCache(200_000);
  const [, parserMs] = await (async () => {
    const t = performance.now();
    await loadPostgresParser();
    return [undefined, performance.now() - t] as const;
  })();

  // Cold: list and read every file, detect the framework, then parse and replay every up migration.
  const [loaded, indexMs] = time(() =>
    HISTORIES.map((name): Loaded => {
      const source = new FolderMigrationSource(join(CORPUS, name));
      return { name, source, history: loadHistory(source) };
    }),
  );
  const files = loaded.reduce((n, l) => n + l.history.migrations.length + l.history.downs.size, 0);
  const [statements, replayMs] = time(() => {
    let count = 0;
    for (const { source, history } of loaded) {
      const model = new SchemaModel();
      for (const m of history.migrations) {
        const text = source.read(m.path);
        if (text === undefined) continue;
        model.migration = { path: m.path, version: m.version };
        for (const stmt of parseFile(sectionText(text, m), cache).statements) {
          count++;
          model.apply(stmt, 'current-file');
        }
        model.settleFile();
      }
    }
    return count;
  });
  const cold = parserMs + indexMs + replayMs;
  console.log(`History benchmark: ${HISTORIES.join(', ')} (${files} files, ${statements} up-migration statements)`);
  console.log(`  cold: parser load ${ms(parserMs)}, index ${ms(indexMs)}, parse + replay ${ms(replayMs)} = ${ms(cold)} (budget ${COLD_BUDGET_MS} ms)`);

  let over = cold > COLD_BUDGET_MS;
  for (const { name, source, history } of loaded) {
    const [index, lintMs] = time(() => new HistoryIndex(history, source, config, { cache }));
    const unhandled = [...index.unhandled()].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    console.log(`  ${name}: ${history.migrations.length} migrations linted with every rule in ${ms(lintMs)} (parses cached); unhandled: ${unhandled}`);
    const newest = history.migrations[history.migrations.length - 1];
    const middle = history.migrations[Math.floor(history.migrations.length / 2)];
    // The table most later migrations mention: the worst case for an edit that changes the schema.
    const later = history.migrations.slice(history.migrations.indexOf(middle) + 1).map((m) => source.read(m.path) ?? '');
    const tables = [...index.schemaBefore(middle.path)!.tables.keys()].map((k) => k.slice(k.indexOf('.') + 1));
    const hot = tables.map((t) => ({ t, n: later.filter((text) => new RegExp(`\\b${t}\\b`).test(text)).length })).sort((a, b) => b.n - a.n)[0]?.t ?? 'bench_table';
    const edits: { label: string; path: string; text: (i: number) => string; budget: boolean }[] = [
      { label: 'newest migration, new statement', path: newest.path, text: (i) => `${source.read(newest.path)}\nCREATE INDEX bench_${i} ON bench_table (id);\n`, budget: true },
      { label: 'middle migration, comment only', path: middle.path, text: (i) => `-- edit ${i}\n${source.read(middle.path)}`, budget: true },
      { label: 'middle migration, new table', path: middle.path, text: (i) => `${source.read(middle.path)}\nCREATE TABLE bench_${i} (id bigint);\n`, budget: false },
      { label: `middle migration, new column on ${hot}`, path: middle.path, text: (i) => `${source.read(middle.path)}\nALTER TABLE ${hot} ADD COLUMN bench_${i} int;\n`, budget: false },
    ];
    for (const edit of edits) {
      const times: number[] = [];
      let relinted = 0;
      for (let i = 0; i < runs; i++) {
        const [paths, t] = time(() => index.update(edit.path, edit.text(i)));
        times.push(t);
        relinted = paths.length;
      }
      index.update(edit.path, source.read(edit.path));
      const m = median(times);
      if (edit.budget && m > EDIT_BUDGET_MS) over = true;
      console.log(`    edit ${edit.label}: median ${ms(m)} over ${runs} runs, ${relinted} migration(s) re-linted${edit.budget ? ` (budget ${EDIT_BUDGET_MS} ms)` : ''}`);
    }
  }
  console.log(over ? '  OVER BUDGET' : '  within budget');
  if (over) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
