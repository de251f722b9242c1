/** Shared by the migration-history rules: which frameworks behave how, and the migration's label. */
import type { FrameworkId, Migration } from '../../history/types';

/** Frameworks whose history table is keyed by the version in the file name. */
export const VERSION_KEYED: ReadonlySet<FrameworkId> = new Set(['flyway', 'golang-migrate', 'dbmate', 'goose', 'diesel', 'atlas', 'supabase']);

/** Frameworks where a version is a position computed by the loader, not written by a person. */
export const POSITIONAL: ReadonlySet<FrameworkId> = new Set(['liquibase', 'sqitch']);

export const FRAMEWORK_NAMES: Record<FrameworkId, string> = {
  flyway: 'Flyway',
  liquibase: 'Liquibase',
  'golang-migrate': 'golang-migrate',
  dbmate: 'dbmate',
  goose: 'goose',
  prisma: 'Prisma',
  supabase: 'the Supabase CLI',
  sqitch: 'sqitch',
  atlas: 'Atlas',
  diesel: 'diesel',
  plain: 'the migration runner',
};

export const migrationLabel = (m: Migration): string => m.path;
