/**
 * Detects a history's framework from its files and reads it into ordered migrations.
 */
import { atlas } from './layouts/atlas';
import { flyway } from './layouts/flyway';
import { diesel, prisma } from './layouts/folders';
import { golangMigrate, plain, supabase } from './layouts/files';
import type { Layout } from './layouts/layout';
import { liquibase } from './layouts/liquibase';
import { dbmate, goose } from './layouts/sectioned';
import { sqitch } from './layouts/sqitch';
import type { FrameworkId, History, Migration, MigrationSource } from './types';
import { compareVersions } from './version';

/** In order of precedence when two layouts score the same. */
export const LAYOUTS: Layout[] = [sqitch, atlas, liquibase, dbmate, goose, flyway, prisma, diesel, supabase, golangMigrate, plain];

export class UnknownFrameworkError extends Error {}

export function detectFramework(source: MigrationSource, files = source.list()): FrameworkId {
  let best: Layout = plain;
  let bestScore = 0;
  for (const layout of LAYOUTS) {
    const score = layout.score(files, source);
    if (score > bestScore) {
      best = layout;
      bestScore = score;
    }
  }
  return best.id;
}

/** Reads the history; `framework` forces a layout (from configuration or --framework). */
export function loadHistory(source: MigrationSource, framework?: FrameworkId | string): History {
  const files = source.list().sort();
  const id = framework ?? detectFramework(source, files);
  const layout = LAYOUTS.find((l) => l.id === id);
  if (!layout) throw new UnknownFrameworkError(`unknown migration framework "${id}" (known: ${LAYOUTS.map((l) => l.id).join(', ')})`);
  const history: History = { framework: layout.id, migrations: [], downs: new Map(), problems: [] };
  layout.read(files, source, history);
  sortMigrations(history.migrations);
  return history;
}

/** Repeatable migrations run after all versioned ones, ordered by description; a file's changesets keep their order. */
export function sortMigrations(migrations: Migration[]): void {
  migrations.sort((a, b) => Number(a.repeatable ?? false) - Number(b.repeatable ?? false) || compareVersions(a.version, b.version) || a.path.localeCompare(b.path));
}
