/**
 * Replaying earlier migrations into the embedded database, so that the traced migration meets the
 * schema it will meet in production.
 *
 * Commits are what cost time in PGlite, so statements are sent in large batches (one simple-query
 * message runs as one implicit transaction). A batch that fails is rolled back whole and retried file
 * by file, and a file that fails statement by statement: a history statement PGlite cannot run (an
 * extension it lacks, a role that does not exist) is skipped and reported, and the replay goes on.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { ReplayFile, ReplayStatement } from '../plan';
import type { HistoryProblem } from '../report';

const BATCH_STATEMENTS = 400;

export interface ReplayOutcome {
  statements: number;
  /** Statements PGlite could not run (those the plan left out are in each file's `skipped`). */
  failed: HistoryProblem[];
}

type Item = { file: ReplayFile; stmt: ReplayStatement };

export async function replayHistory(pg: PGlite, files: ReplayFile[], onFile?: (done: number) => void): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { statements: 0, failed: [] };
  let batch: Item[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length) await runBatch(pg, batch, outcome);
    batch = [];
  };
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    for (const stmt of file.statements) {
      outcome.statements++;
      if (stmt.alone) {
        await flush();
        await runOne(pg, { file, stmt }, outcome);
      } else batch.push({ file, stmt });
    }
    if (batch.length >= BATCH_STATEMENTS) await flush();
    onFile?.(i + 1);
  }
  await flush();
  // Migrations may leave session settings behind (search_path = '' in dumps, SET ROLE …).
  await pg.exec('RESET SESSION AUTHORIZATION').catch(() => undefined);
  await pg.exec('RESET ALL').catch(() => undefined);
  return outcome;
}

async function runBatch(pg: PGlite, items: Item[], outcome: ReplayOutcome): Promise<void> {
  if (await tryExec(pg, items)) return;
  const byFile = new Map<ReplayFile, Item[]>();
  for (const item of items) byFile.set(item.file, [...(byFile.get(item.file) ?? []), item]);
  if (byFile.size > 1) {
    for (const fileItems of byFile.values()) await runBatch(pg, fileItems, outcome);
    return;
  }
  for (const item of items) await runOne(pg, item, outcome);
}

async function tryExec(pg: PGlite, items: Item[]): Promise<boolean> {
  try {
    // A newline before each separator ends any trailing line comment.
    await pg.exec(items.map((i) => i.stmt.sql).join('\n;\n'));
    return true;
  } catch {
    return false;
  }
}

async function runOne(pg: PGlite, item: Item, outcome: ReplayOutcome): Promise<void> {
  // Histories grant to roles created outside migrations (by the platform, e.g. `authenticated`):
  // create a missing role and try again, a few times for statements naming several.
  for (let attempt = 0; ; attempt++) {
    try {
      await pg.exec(item.stmt.sql);
      return;
    } catch (error) {
      const message = (error as Error).message;
      const role = /role "([^"]+)" does not exist/.exec(message)?.[1];
      const created = role !== undefined && attempt < 5 && (await createRole(pg, role));
      if (!created) {
        outcome.failed.push({ file: item.file.name, line: item.stmt.line, message });
        return;
      }
    }
  }
}

async function createRole(pg: PGlite, role: string): Promise<boolean> {
  try {
    await pg.exec(`CREATE ROLE "${role.replace(/"/g, '""')}"`);
    return true;
  } catch {
    return false;
  }
}
