/**
 * Finds the migration histories of a workspace: the folders listed under `migrations` in its
 * safe-migrations.config.json files, or, when no configuration lists any, the folders whose files are
 * named the way migration frameworks name them. The walk is cheap and bounded: it skips dependency,
 * build and hidden folders and stops after a fixed number of directory entries.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { CONFIG_FILE_NAME } from '../../engine/index';
import { findConfigFile, loadConfigFile } from '../../node/config-file';

/** Folders that never hold a project's own migrations but can be huge. Hidden folders are skipped too. */
const SKIPPED = new Set(['node_modules', 'dist', 'out', 'build', 'target', 'vendor', 'venv', '__pycache__', 'coverage', 'bower_components']);

export interface DiscoveryLimits {
  /** Directory entries looked at per workspace folder before the walk stops. */
  maxEntries: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: DiscoveryLimits = { maxEntries: 50_000, maxDepth: 12 };

export interface Discovery {
  /** Absolute history folders, no one inside another. */
  folders: string[];
  /** The walk stopped at the entry limit somewhere: histories beyond it were not found. */
  truncated: boolean;
  /** Configuration files that could not be read, with why. */
  problems: string[];
}

/** Names frameworks give migration files: Flyway, up/down pairs, timestamped or numbered files. */
const STRONG_FILE = /^(?:[VU]\d[\d._]*__.+|.+\.(?:up|down))\.sql$/;
const VERSIONED = /^v?\d+(?:[-._]\d+)*(?:[_.-].*)?$/i;
/** Files in a folder of their own per migration (diesel, Prisma). */
const FOLDER_FILE = /^(?:up|down|migration)\.sql$/;

export function discoverHistories(workspaceFolders: string[], limits: DiscoveryLimits = DEFAULT_LIMITS): Discovery {
  const out: Discovery = { folders: [], truncated: false, problems: [] };
  for (const workspace of workspaceFolders) {
    const walk = walkFolder(workspace, limits);
    out.truncated ||= walk.truncated;
    const configured = configuredFolders(workspace, walk.configFiles, out.problems);
    out.folders.push(...(configured.length > 0 ? configured : detectedFolders(walk)));
  }
  return { ...out, folders: outermost(out.folders) };
}

interface Walk {
  configFiles: string[];
  /** Folder (absolute) → names of the .sql files directly in it. */
  sqlFiles: Map<string, string[]>;
  /** Folders holding a sqitch.plan or atlas.sum: each is one history whatever its files are named. */
  markers: string[];
  truncated: boolean;
}

function walkFolder(root: string, limits: DiscoveryLimits): Walk {
  const walk: Walk = { configFiles: [], sqlFiles: new Map(), markers: [], truncated: false };
  let budget = limits.maxEntries;
  // Breadth first, so that a huge subtree cannot hide the shallow folders where migrations usually are.
  let level = [root];
  for (let depth = 0; depth <= limits.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        continue; // unreadable: nothing to index there
      }
      for (const entry of entries) {
        if (--budget < 0) {
          walk.truncated = true;
          return walk;
        }
        const name = entry.name;
        if (entry.isDirectory()) {
          if (!name.startsWith('.') && !SKIPPED.has(name)) next.push(join(folder, name));
        } else if (name === CONFIG_FILE_NAME) walk.configFiles.push(join(folder, name));
        else if (name === 'sqitch.plan' || name === 'atlas.sum') walk.markers.push(folder);
        else if (name.toLowerCase().endsWith('.sql')) {
          const list = walk.sqlFiles.get(folder);
          if (list) list.push(name);
          else walk.sqlFiles.set(folder, [name]);
        }
      }
    }
    level = next;
  }
  return walk;
}

/** The `migrations` folders of the workspace's configuration files (and of the one above it, if any). */
function configuredFolders(workspace: string, configFiles: string[], problems: string[]): string[] {
  const files = new Set(configFiles);
  const above = findConfigFile(workspace);
  if (above) files.add(above);
  const folders: string[] = [];
  for (const file of files) {
    let migrations: string[] | undefined;
    try {
      migrations = loadConfigFile(file).config.migrations;
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    for (const folder of migrations ?? []) {
      const absolute = join(dirname(file), folder);
      if (isDirectory(absolute)) folders.push(absolute);
      else problems.push(`${file}: the migrations folder "${folder}" does not exist`);
    }
  }
  return folders;
}

/**
 * Folders that look like histories: a folder with a Flyway or up/down file, or with two or more
 * versioned .sql files; the parent of versioned folders holding up.sql / migration.sql (diesel, Prisma)
 * or two or more versioned folders of .sql files (`versioned/v1.2/schema.sql`); marker folders.
 */
function detectedFolders(walk: Walk): string[] {
  const found = new Set(walk.markers);
  const versionedFolders = new Map<string, number>();
  for (const [folder, names] of walk.sqlFiles) {
    const base = folder.slice(folder.lastIndexOf(sep) + 1);
    const folderVersioned = VERSIONED.test(base);
    if (folderVersioned && names.some((n) => FOLDER_FILE.test(n))) found.add(dirname(folder));
    else if (names.some((n) => STRONG_FILE.test(n)) || names.filter((n) => VERSIONED.test(n)).length >= 2) found.add(folder);
    else if (folderVersioned) versionedFolders.set(dirname(folder), (versionedFolders.get(dirname(folder)) ?? 0) + 1);
  }
  for (const [parent, count] of versionedFolders) if (count >= 2) found.add(parent);
  return [...found];
}

/** Drops folders inside another one: a history's source lists its subfolders already. */
function outermost(folders: string[]): string[] {
  const unique = [...new Set(folders)].sort();
  return unique.filter((f) => !unique.some((other) => other !== f && isInside(f, other)));
}

export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel);
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
