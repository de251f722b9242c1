/** The tracer's SqlSession over a PGlite instance. */
import type { PGlite } from '@electric-sql/pglite';
import { errorOutcome, rowsOf, type SqlSession, type StatementOutcome } from '../session';

export function pgliteSession(pg: PGlite): SqlSession {
  return {
    async execute(sql: string): Promise<StatementOutcome> {
      try {
        const results = await pg.exec(sql);
        const last = results[results.length - 1] as { command?: string; affectedRows?: number; rows: unknown[] } | undefined;
        const command = last?.command;
        const count = command && /^SELECT$/i.test(command) ? last?.rows.length : last?.affectedRows;
        return { ok: true, rows: rowsOf(command, count) };
      } catch (error) {
        return errorOutcome(error);
      }
    },
    async json<T>(sql: string): Promise<T> {
      const result = await pg.query<{ j: T }>(sql);
      return result.rows[0].j;
    },
  };
}
