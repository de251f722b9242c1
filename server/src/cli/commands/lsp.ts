/**
 * `safe-migrations lsp --stdio`: the language server for editors other than VS Code (neovim, emacs,
 * helix…), the same server as dist/server.js. Needs nothing from the rest of the CLI.
 */
import { startServer } from '../../lsp/server';
import { connectionFor, guardProcess, TRANSPORT_USAGE } from '../../lsp/transport';

const USAGE = `Usage: safe-migrations lsp --stdio

Runs the Safe Migrations language server: diagnostics while you type, hovers with each rule's page.
${TRANSPORT_USAGE}
Settings come from the editor (section "safeMigrations") and from safe-migrations.config.json.
`;

/** Serves until the client sends exit (which ends the process); resolves with the exit code. */
export function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return Promise.resolve(0);
  }
  const connection = connectionFor(args);
  if (!connection) {
    process.stderr.write(`safe-migrations lsp: choose how to talk to the editor.\n\n${USAGE}`);
    return Promise.resolve(2);
  }
  guardProcess(connection);
  return startServer(connection).exited;
}
