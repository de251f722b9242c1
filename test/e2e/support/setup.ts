/**
 * What an end-to-end run opens: the extension (the built project, or the files of a packaged .vsix),
 * a copy of the fixture workspace (tests change its settings and buffers), and user settings that keep
 * VS Code's own start-up pages, trust prompt and marketplace lookups out of the way.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostingError, projectRoot } from '../../../scripts/e2e/code-server';
import { extractZip } from '../../packaging/zip';

export const FIXTURE_WORKSPACE = join(projectRoot, 'test', 'fixtures', 'e2e-workspace');

export const USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'files.autoSave': 'off',
};

/**
 * The folder VS Code loads the extension from. With a .vsix, its `extension/` folder: the suite then
 * proves that the packaged file list holds everything the extension needs at run time.
 */
export function extensionUnderTest(sandboxDir: string, vsix?: string): string {
  if (vsix) {
    if (!existsSync(vsix)) throw new HostingError(`${vsix} does not exist: run npm run package first.`);
    const target = join(sandboxDir, 'vsix');
    extractZip(vsix, target);
    return join(target, 'extension');
  }
  const missing = ['dist/client.js', 'dist/server.js'].filter((f) => !existsSync(join(projectRoot, f)));
  if (missing.length) throw new HostingError(`${missing.join(' and ')} missing: run npm run build first.`);
  return projectRoot;
}

export function copyFixtureWorkspace(sandboxDir: string): string {
  const target = join(sandboxDir, 'workspace');
  cpSync(FIXTURE_WORKSPACE, target, { recursive: true });
  return target;
}

export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

/** `--vsix <file>` (or `--vsix=<file>`) from a command line; a bare `--vsix` picks the newest one built here. */
export function vsixArgument(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--vsix' || a.startsWith('--vsix='));
  if (i < 0) return undefined;
  if (argv[i].includes('=')) return argv[i].slice('--vsix='.length);
  const next = argv[i + 1];
  if (next && !next.startsWith('-')) return next;
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const built = join(projectRoot, `safe-migrations-${version}.vsix`);
  if (!existsSync(built) || !statSync(built).isFile()) throw new HostingError(`${built} does not exist: run npm run package first.`);
  return built;
}

