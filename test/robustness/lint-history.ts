/**
 * Child process for the corpus test: lints every .sql file of each migration history given with the
 * engine and prints one JSON line per history as it finishes. Run in a child so that a hang can be
 * stopped by a time limit (the history without a line is the one that hung) and a crash, even of the
 * WASM parser, is reported instead of taking the test runner down.
 */
import { basename, join } from 'node:path';
import { lint, loadPostgresParser } from '../../server/src/engine/index';
import { listMigrationFiles } from '../../server/src/node/migration-files';
import { readMigration } from '../../server/src/node/read-migration';

export interface HistorySummary {
  history: string;
  files: number;
  statements: number;
  findings: number;
  internalErrors: string[];
  ms: number;
}

function lintHistory(folder: string): HistorySummary {
  const started = performance.now();
  const { forward, down } = listMigrationFiles(folder);
  const summary: HistorySummary = { history: basename(folder), files: 0, statements: 0, findings: 0, internalErrors: [], ms: 0 };
  for (const file of [...forward, ...down]) {
    const source = readMigration(join(folder, file));
    if (source.kind !== 'text') continue;
    const result = lint(source.text, { invalidUtf8At: source.invalidUtf8At });
    summary.files++;
    summary.statements += result.file.statements.length;
    summary.findings += result.findings.length;
    for (const f of result.findings) if (f.messageId === 'internalError') summary.internalErrors.push(`${file}: ${f.message}`);
  }
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

async function main(folders: string[]): Promise<void> {
  await loadPostgresParser();
  for (const folder of folders) process.stdout.write(`${JSON.stringify(lintHistory(folder))}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
