/**
 * `safe-migrations dry-run`: runs migrations for real inside a transaction that is always rolled back,
 * on embedded PostgreSQL (PGlite, the default) or on a server, and reports what each statement locked,
 * what that blocks, and what it rewrote or scanned.
 * Exit codes: 0 every file ran to the end, 1 a file was refused, failed or cancelled, 2 usage or
 * connection errors.
 */
import { existsSync, statSync } from 'node:fs';
import {
  disposeDryRunHosts,
  dryRun,
  DryRunError,
  formatReportText,
  MAX_LOCK_TIMEOUT_MS,
  MIN_LOCK_TIMEOUT_MS,
  readMigrationToTrace,
  Redactor,
  type DryRunEngine,
  type DryRunReport,
} from '../../db/dry-run';
import { parseCommandArgs, UsageError } from '../usage';

export const USAGE = `Usage: safe-migrations dry-run [options] <file>...

Runs each migration statement by statement inside one transaction that is always rolled back, and
reports the locks each statement took (from pg_locks), what they block, and which tables were
rewritten or scanned. Nothing is committed. Files with BEGIN/COMMIT/ROLLBACK/SAVEPOINT, COPY FROM
STDIN or psql meta-commands are refused before anything runs.

Options:
  --engine <name>            pglite (default: embedded PostgreSQL, nothing to set up) or postgres
  --url <url>                PostgreSQL server to dry-run on (implies --engine postgres); default:
                             the SAFE_MIGRATIONS_DATABASE_URL environment variable
  --history <folder>         earlier migrations to replay first (pglite); a server already has them
  -f, --format <name>        text (default) or json
  --lock-timeout <ms>        how long a statement may wait for a lock on a server, 100 to 500
                             (default 300)
  --statement-timeout <ms>   how long a statement may run (default 30000 on a server, 60000 embedded)
  -h, --help                 show this help

Exit codes: 0 every file ran to the end, 1 a file was refused, failed or cancelled, 2 usage or
connection error.
`;


interface DryRunArgs {
  engine: DryRunEngine;
  url?: string;
  history?: string;
  format: 'text' | 'json';
  files: string[];
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export async function run(args: string[]): Promise<number> {
  const envUrl = process.env.SAFE_MIGRATIONS_DATABASE_URL;
  let parsed: DryRunArgs | 'help';
  try {
    parsed = parseDryRunArgs(args, envUrl);
  } catch (error) {
    // The arguments may contain a URL: never echo its password.
    const redactor = new Redactor(urlIn(args), envUrl);
    process.stderr.write(`safe-migrations dry-run: ${redactor.message(error)}\n${error instanceof UsageError ? `\n${USAGE}` : ''}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const redactor = new Redactor(parsed.url);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const reports: DryRunReport[] = [];
  let broken = false;
  try {
    for (const file of parsed.files) {
      if (controller.signal.aborted) break;
      try {
        const { text, history } = readMigrationToTrace(file, parsed.history);
        reports.push(
          await dryRun({
            engine: parsed.engine,
            url: parsed.url,
            file,
            text,
            history,
            signal: controller.signal,
            lockTimeoutMs: parsed.lockTimeoutMs,
            statementTimeoutMs: parsed.statementTimeoutMs,
          }),
        );
      } catch (error) {
        const why = error instanceof DryRunError ? error.message : (error as NodeJS.ErrnoException).code ? `cannot read it: ${(error as Error).message}` : `internal error: ${(error as Error).stack ?? String(error)}`;
        process.stderr.write(`safe-migrations dry-run: ${file}: ${redactor.text(why)}\n`);
        broken = true;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await disposeDryRunHosts();
  }
  const output = parsed.format === 'json' ? `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n` : reports.map((r) => `${formatReportText(r)}\n`).join('\n');
  // Reports are redacted already; this pass guards against anything that slipped through.
  if (reports.length) process.stdout.write(redactor.text(output));
  if (broken) return 2;
  return reports.every((r) => r.status === 'ok') ? 0 : 1;
}

function parseDryRunArgs(args: string[], envUrl: string | undefined): DryRunArgs | 'help' {
  const { values, positionals } = parseCommandArgs(args, {
    engine: { type: 'string' },
    url: { type: 'string' },
    history: { type: 'string' },
    format: { type: 'string', short: 'f' },
    'lock-timeout': { type: 'string' },
    'statement-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const engine = values.engine ?? (values.url !== undefined ? 'postgres' : 'pglite');
  if (engine !== 'pglite' && engine !== 'postgres') throw new UsageError(`--engine must be pglite or postgres, not "${engine}"`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const url = values.url ?? (engine === 'postgres' ? envUrl : undefined);
  if (engine === 'postgres' && !url) throw new UsageError('--engine postgres needs a server: pass --url or set SAFE_MIGRATIONS_DATABASE_URL');
  if (engine === 'pglite' && values.url !== undefined) throw new UsageError('--url is for --engine postgres');
  if (values.history !== undefined && !isFolder(values.history)) throw new UsageError(`--history must be a folder of migrations: ${values.history}`);
  if (positionals.length === 0) throw new UsageError('no migration file given');
  for (const file of positionals) if (!existsSync(file) || isFolder(file)) throw new UsageError(`not a migration file: ${file}`);
  return {
    engine,
    url,
    history: values.history,
    format,
    files: positionals,
    lockTimeoutMs: lockTimeout(values['lock-timeout']),
    statementTimeoutMs: milliseconds(values['statement-timeout'], '--statement-timeout'),
  };
}

function milliseconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of milliseconds, not "${value}"`);
  return n;
}

function lockTimeout(value: string | undefined): number | undefined {
  const ms = milliseconds(value, '--lock-timeout');
  if (ms !== undefined && (ms < MIN_LOCK_TIMEOUT_MS || ms > MAX_LOCK_TIMEOUT_MS)) {
    throw new UsageError(`--lock-timeout must be between ${MIN_LOCK_TIMEOUT_MS} and ${MAX_LOCK_TIMEOUT_MS} ms: while a dry run waits for a lock, every query on that table queues behind it`);
  }
  return ms;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The --url value in raw arguments (`--url X` or `--url=X`), to redact it from usage errors. */
function urlIn(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--url') return args[i + 1];
    if (args[i].startsWith('--url=')) return args[i].slice(6);
  }
  return undefined;
}
