/**
 * The connection a server process talks on, chosen by its arguments (as VS Code and other editors
 * launch language servers): --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
 */
import { format } from 'node:util';
import {
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  type Connection,
} from 'vscode-languageserver/node';

export const TRANSPORT_USAGE = 'Transport: --stdio | --node-ipc | --socket=<port> | --pipe=<name>';

export function connectionFor(args: string[]): Connection | undefined {
  const value = (flag: string): string | undefined => {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return args[i].includes('=') ? args[i].slice(flag.length + 1) : args[i + 1];
  };
  if (args.includes('--stdio')) {
    const connection = createConnection(process.stdin, process.stdout);
    routeConsole(connection);
    return connection;
  }
  if (args.includes('--node-ipc') && process.send) return createConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  const port = Number(value('--socket'));
  if (Number.isInteger(port) && port > 0) {
    const [reader, writer] = createServerSocketTransport(port);
    return createConnection(reader, writer);
  }
  const pipe = value('--pipe');
  if (pipe) {
    const [reader, writer] = createServerPipeTransport(pipe);
    return createConnection(reader, writer);
  }
  return undefined;
}

/**
 * Keeps the process alive and the editor informed when something unexpected throws outside a
 * request (a timer, a stream): the server must outlive a bug in one lint.
 */
export function guardProcess(connection: Connection): void {
  process.on('uncaughtException', (error) => connection.console.error(`Unexpected error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`Unexpected rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
}

/** On stdio, stdout carries the protocol: anything printed by console.* goes to the client's log instead. */
function routeConsole(connection: Connection): void {
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
}
