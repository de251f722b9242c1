/**
 * Which VS Code runs the end-to-end suite: VSCODE_EXECUTABLE_PATH when set (on machines without
 * internet, scripts/e2e/code-server-shim), else desktop VS Code downloaded by @vscode/test-electron,
 * else, when the download fails, the code-server shim if code-server is installed. When none of these
 * works the run fails and says what to do: it never passes without having run the suite.
 */
import { downloadAndUnzipVSCode } from '@vscode/test-electron';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { HostingError, locateVSCodeServer, projectRoot } from '../../../scripts/e2e/code-server';

/** The VS Code release the suite targets: the oldest the extension supports, as code-server hosts it. */
export const VSCODE_VERSION = '1.100.3';
export const SHIM = join(projectRoot, 'scripts', 'e2e', 'code-server-shim');

export interface VSCodeExecutable {
  path: string;
  how: string;
}

export async function resolveVSCodeExecutable(): Promise<VSCodeExecutable> {
  const fromEnv = process.env.VSCODE_EXECUTABLE_PATH;
  if (fromEnv) {
    try {
      accessSync(fromEnv, constants.X_OK);
    } catch {
      throw new HostingError(`VSCODE_EXECUTABLE_PATH=${fromEnv} is not an executable file.`);
    }
    return { path: fromEnv, how: `VSCODE_EXECUTABLE_PATH (${fromEnv})` };
  }
  let downloadError: string;
  try {
    const path = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: join(projectRoot, '.vscode-test'), timeout: 15_000 });
    return { path, how: `desktop VS Code ${VSCODE_VERSION}, downloaded` };
  } catch (error) {
    downloadError = error instanceof Error ? error.message : String(error);
  }
  try {
    locateVSCodeServer();
    return { path: SHIM, how: `code-server shim (desktop VS Code could not be downloaded: ${downloadError})` };
  } catch (error) {
    const hosting = error instanceof Error ? error.message : String(error);
    throw new HostingError(
      `No VS Code to run the end-to-end suite in.\n` +
        `  Desktop VS Code ${VSCODE_VERSION} could not be downloaded: ${downloadError}\n` +
        `  Nor can it be hosted: ${hosting}\n` +
        `Install code-server with scripts/e2e/install-code-server.sh (it needs only the npm registry and Debian's packages),\n` +
        `or set VSCODE_EXECUTABLE_PATH to a VS Code executable.`,
    );
  }
}
