/**
 * The migrations already merged on a base git ref (e.g. origin/main), for the history rules
 * (modified-applied-migration, out-of-order-version): which versions the ref's copy of the history
 * holds and the text of each of its files. Git is run as a child process; the engine stays pure.
 *
 * The folder's files on the ref are listed with `git ls-tree -r --name-only --full-name <ref> -- .`
 * and read in one `git cat-file --batch` process (the same blobs `git show <ref>:<path>` prints, without
 * one process per file: a history has hundreds of files).
 */
import type * as ChildProcess from 'node:child_process';
import { decodeSource, loadHistory, type AppliedMigrations, type FrameworkId, type MigrationSource } from '../engine/index';

/**
 * node:child_process is loaded on first use: only --base-ref runs git, and loading the module when the
 * CLI starts costs every lint about 4 ms.
 */
let childProcess: typeof ChildProcess | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous, deferred load
const children = (): typeof ChildProcess => (childProcess ??= require('node:child_process') as typeof ChildProcess);

/** The ref does not exist, the folder is not in a git repository, or git cannot be run. */
export class GitBaseError extends Error {}

/** Files larger than this on the ref are not migrations worth comparing (and would bloat memory). */
const MAX_BLOB_BYTES = 20 * 1024 * 1024;

/**
 * The versions and contents of the history in `folder` as it is on `ref`. `framework` is the history's
 * framework in the working tree, so that both sides are read by the same layout.
 */
export function appliedFromGitRef(folder: string, ref: string, framework: FrameworkId): AppliedMigrations {
  const files = readFolderAtRef(folder, ref);
  const source: MigrationSource = { list: () => [...files.keys()], read: (path) => files.get(path) };
  const history = loadHistory(source, framework);
  const contentByPath = new Map<string, string>();
  for (const m of [...history.migrations, ...history.downs.values()]) {
    const text = files.get(m.path);
    if (text !== undefined) contentByPath.set(m.path, text);
  }
  return { versions: new Set(history.migrations.map((m) => m.version)), contentByPath };
}

/** Path relative to `folder` → text, for every file under `folder` on `ref`. */
export function readFolderAtRef(folder: string, ref: string): Map<string, string> {
  if (ref.startsWith('-')) throw new GitBaseError(`base ref "${ref}" is not a git ref`);
  const prefix = git(folder, ['rev-parse', '--show-prefix'], () => `${folder} is not inside a git repository, so --base-ref cannot be read`).trim();
  git(folder, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], () => `base ref "${ref}" does not exist in the git repository of ${folder} (try git fetch, or a ref such as origin/main)`);
  const listed = git(folder, ['ls-tree', '-r', '-z', '--name-only', '--full-name', ref, '--', '.'], (stderr) => `cannot list ${folder} on ${ref}: ${stderr}`);
  const paths = listed.split('\0').filter((p) => p.startsWith(prefix) && p.length > prefix.length);
  const files = new Map<string, string>();
  if (paths.length === 0) return files;
  const batch = children().spawnSync('git', ['cat-file', '--batch'], {
    cwd: folder,
    input: paths.map((p) => `${ref}:${p}\n`).join(''),
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (batch.error || batch.status !== 0) throw new GitBaseError(`cannot read ${folder} on ${ref}: ${batch.error?.message ?? batch.stderr.toString().trim()}`);
  const out = batch.stdout;
  let at = 0;
  for (const path of paths) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    // "<sha> blob <size>", or "<name> missing" for a path that is not a blob (a submodule).
    const match = / (\w+) (\d+)$/.exec(header);
    if (!match) continue;
    const size = Number(match[2]);
    const body = out.subarray(at, at + size);
    at += size + 1; // the content is followed by a newline
    if (match[1] !== 'blob' || size > MAX_BLOB_BYTES) continue;
    files.set(path.slice(prefix.length), decodeSource(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)).text);
  }
  return files;
}

function git(cwd: string, args: string[], failure: (stderr: string) => string): string {
  const run = children().spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new GitBaseError(missing ? 'git is not installed or not on the PATH, so --base-ref cannot be read' : `cannot run git: ${run.error.message}`);
  }
  if (run.status !== 0) throw new GitBaseError(failure(run.stderr.trim()));
  return run.stdout;
}
