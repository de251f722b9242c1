/**
 * Turns the paths given on a command line into the migration files to lint: a file as itself, a folder
 * as one migration history (its .sql files in version order, then its down migrations).
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { listMigrationFiles } from './migration-files';

export interface MigrationInput {
  /** The path as given on the command line. */
  given: string;
  /** True when the path is a folder (a migration history). */
  folder: boolean;
  files: InputFile[];
}

export interface InputFile {
  /** Where to read the file. */
  path: string;
  /** How reports name it: relative to the current folder, with `/`, as the user wrote it. */
  display: string;
}

/** A path that does not exist, cannot be read, or holds no migrations: a usage error. */
export class InputError extends Error {}

export function resolveInput(given: string, cwd = process.cwd()): MigrationInput {
  const absolute = isAbsolute(given) ? given : join(cwd, given);
  let folder: boolean;
  try {
    const stats = statSync(absolute);
    if (!stats.isDirectory() && !stats.isFile()) throw new InputError(`${given} is neither a file nor a folder`);
    folder = stats.isDirectory();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${given}: ${describeFsError(error)}`);
  }
  if (!folder) return { given, folder, files: [{ path: absolute, display: displayPath(given, absolute, cwd) }] };

  let listed;
  try {
    listed = listMigrationFiles(absolute);
  } catch (error) {
    throw new InputError(`cannot list ${given}: ${describeFsError(error)}`);
  }
  const all = [...listed.forward, ...listed.down];
  if (all.length === 0) throw new InputError(`no migration files (*.sql) found in ${given}`);
  const files = all.map((rel) => {
    const path = join(absolute, rel);
    return { path, display: displayPath(join(given, rel), path, cwd) };
  });
  return { given, folder, files };
}

/**
 * A relative path stays as written (normalised, `/` separators); an absolute one is shown relative to
 * the current folder when it lies inside it, so reports and SARIF carry portable paths.
 */
function displayPath(given: string, absolute: string, cwd: string): string {
  let shown = normalize(given);
  if (isAbsolute(given)) {
    const inside = relative(cwd, absolute);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) shown = inside;
  }
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** "no such file or directory" rather than a stack trace or an errno name alone. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return (error as Error).message ?? String(error);
  }
}
