/**
 * Reads one changed file of a history again, as its framework's layout would, without listing and
 * reading every other file: after an edit, a file's sections (and its transaction marker) move.
 */
import { LAYOUTS, sortMigrations } from './load';
import type { History, MigrationSource } from './types';
import { dirname } from './layouts/layout';

/** Files that give a whole history its shape (the plan orders every change). */
const MARKERS = /(^|\/)(sqitch\.plan|atlas\.sum)$/;

/**
 * The history with the migrations of the folder of `path` read again from `source`. Companion files a
 * layout reads (Flyway's `.conf`, diesel's `metadata.toml`) live beside the file, so that folder and
 * the history's marker files are offered; Liquibase numbers changesets across files, so it reads all.
 */
export function reloadFile(history: History, source: MigrationSource, files: readonly string[], path: string): History {
  const layout = LAYOUTS.find((l) => l.id === history.framework);
  if (!layout) return history;
  const folder = dirname(path);
  const offered = history.framework === 'liquibase' ? [...files] : files.filter((f) => dirname(f) === folder || MARKERS.test(f));
  if (!offered.includes(path)) offered.push(path);
  const fresh: History = { framework: history.framework, migrations: [], downs: new Map(), problems: [] };
  layout.read(offered.sort(), source, fresh);
  const reread = new Set([...fresh.migrations, ...fresh.downs.values()].map((m) => m.path));
  // A companion file (`.conf`, `metadata.toml`) changed: its folder's migrations were read again.
  const mine = (p: string) => reread.has(p) || (p === path && history.framework !== 'liquibase');
  const migrations = [...history.migrations.filter((m) => !mine(m.path)), ...fresh.migrations.filter((m) => mine(m.path))];
  sortMigrations(migrations);
  const downs = new Map([...history.downs].filter(([, m]) => !mine(m.path)));
  for (const [v, m] of fresh.downs) if (mine(m.path)) downs.set(v, m);
  return { framework: history.framework, migrations, downs, problems: history.problems.filter((p) => !mine(p.path)).concat(fresh.problems.filter((p) => mine(p.path))) };
}
