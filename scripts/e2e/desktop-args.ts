/**
 * The command line @vscode/test-electron passes to desktop VS Code, reduced to what a hosted VS Code
 * needs: the extension under development, its tests, the profile folders and the folder to open.
 */
import { resolve } from 'node:path';

export interface DesktopArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  target?: string;
  ignored: string[];
}

/** Flags that take a value; each may come as `--flag=value` or `--flag value`. */
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale', 'log', 'logsPath']);

export function parseDesktopArgs(argv: string[]): DesktopArgs {
  const parsed: DesktopArgs = { extensionDevelopmentPaths: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.target = resolve(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name)) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath':
        parsed.extensionDevelopmentPaths.push(resolve(value!));
        break;
      case 'extensionTestsPath':
        parsed.extensionTestsPath = resolve(value!);
        break;
      case 'user-data-dir':
        parsed.userDataDir = resolve(value!);
        break;
      case 'extensions-dir':
        parsed.extensionsDir = resolve(value!);
        break;
      default:
        // --no-sandbox, --disable-gpu-sandbox, --disable-updates, --skip-welcome, --skip-release-notes,
        // --disable-workspace-trust, --disable-extensions...: desktop concerns with no meaning here.
        parsed.ignored.push(arg);
    }
  }
  return parsed;
}

