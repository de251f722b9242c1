/** Connections to a PostgreSQL server for the dry run, and the tracer's SqlSession over them. */
import type { Client } from 'pg';
import type { Redactor } from '../redact';
import { errorOutcome, rowsOf, type SqlSession, type StatementOutcome } from '../session';

/** A problem before anything could be traced: bad options, an unreachable server, a host that failed to start. */
export class DryRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DryRunError';
  }
}

export async function connect(url: string, redactor: Redactor, applicationName: string, timeoutMs = 10_000): Promise<Client> {
  // Loaded on first use: the driver's start-up (which probes its runtime) would otherwise cost the
  // language server and every CLI run tens of milliseconds, for the rare dry run against a server.
  const pg = (await import('pg')).default;
  let client: Client;
  try {
    client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: timeoutMs });
  } catch (error) {
    throw new DryRunError(`invalid connection URL ${redactor.safeUrl}: ${redactor.message(error)}`);
  }
  // A connection lost later surfaces as the error of the query in flight; without a listener the
  // 'error' event would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DryRunError(`could not connect to ${redactor.safeUrl}: ${redactor.message(error) || (error as { code?: string }).code || 'connection failed'}`);
  }
  return client;
}

export function pgSession(client: Client): SqlSession {
  return {
    async execute(sql: string): Promise<StatementOutcome> {
      try {
        const result = await client.query(sql);
        // A multi-result answer cannot happen for one statement, but the types allow it.
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return { ok: true, rows: rowsOf(last?.command, last?.rowCount) };
      } catch (error) {
        return errorOutcome(error);
      }
    },
    async json<T>(sql: string): Promise<T> {
      const result = await client.query<{ j: T }>(sql);
      return result.rows[0].j;
    },
  };
}
