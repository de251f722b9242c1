/**
 * Entry point of dist/server.js. VS Code starts it with --node-ipc; other editors with --stdio.
 */
import { tuneHeapForLinting } from '../node/v8-tuning';
import { startServer } from './server';
import { connectionFor, guardProcess, TRANSPORT_USAGE } from './transport';

tuneHeapForLinting();

const connection = connectionFor(process.argv.slice(2));
if (!connection) {
  process.stderr.write(`Safe Migrations language server: no transport given.\n${TRANSPORT_USAGE}\n`);
  process.exit(2);
}
guardProcess(connection);
startServer(connection);
