/**
 * The `safe-migrations` command, started by the launcher (launch.ts), which sets V8's flags first.
 * Each subcommand is loaded only when it runs, so that `lint` in CI does not pay for evaluating the
 * language server, and the other way round.
 */
import { version } from '../../../package.json';

interface Command {
  run(args: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
  /** End the process as soon as the command's output is flushed (see exitWhenFlushed). */
  exitWhenDone?: boolean;
}

/** Subcommands by name; a new one is one line here and a module exporting `run(args)`. */
const COMMANDS: Record<string, CommandEntry> = {
  lint: { summary: 'lint migration files and folders (text, json, sarif or github output)', load: () => import('./commands/lint'), exitWhenDone: true },
  lsp: { summary: 'run the language server over stdio (for editors)', load: () => import('./commands/lsp') },
  fix: { summary: 'apply autofixes (and with --suggestions, single-file suggestions); prints a diff unless --write', load: () => import('./commands/fix'), exitWhenDone: true },
  'dry-run': { summary: 'run migrations in a transaction that is rolled back, and report their real locks and rewrites', load: () => import('./commands/dry-run') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: safe-migrations <command> [options]',
    '',
    'Finds PostgreSQL migrations that lock tables, rewrite them or lose data, and says what to do instead.',
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    '  -h, --help     show this help (or `safe-migrations <command> --help`)',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const what = name === undefined ? 'no command given' : `unknown command "${name}"`;
    process.stderr.write(`safe-migrations: ${what}\n\n${usage()}`);
    return 2;
  }
  const code = await (await command.load()).run(rest);
  if (command.exitWhenDone) exitWhenFlushed(code);
  return code;
}

/**
 * Ends the process once stdout and stderr are flushed. Left alone, Node lets V8's queued background
 * work (optimising compiles of code that will not run again) finish before it exits: about 25 ms on
 * a one-statement file with the parser's default compilation tiers.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`safe-migrations: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
