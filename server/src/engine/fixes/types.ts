/**
 * A multi-step safe rewrite: what a risky statement becomes when it is split into migrations that each
 * take only brief or non-blocking locks, with the application deploys that must happen between them.
 * Paths are relative to the history root, as in History and MigrationSource.
 */
import type { ResolvedConfig } from '../config';
import type { History, Migration, MigrationSource } from '../history/types';
import type { SchemaModel } from '../schema/model';
import type { TextEdit } from '../types';

export type PhaseName = 'expand' | 'backfill' | 'contract' | 'validate' | 'build' | 'constrain';

export interface RewritePhase {
  name: PhaseName;
  /** What the step does, one line. */
  summary: string;
  /** The application deploy that must be live before this phase runs. */
  deployBefore?: string;
  /** The lock this step takes and what it blocks (describeLock wording). */
  lock: string;
  /** The migration file this phase lives in (a new file's path, or the current migration's). */
  path: string;
}

export interface MarkerFile {
  path: string;
  content: string;
}

export interface NewMigrationFile {
  path: string;
  content: string;
  /** True when the step must run outside a transaction; the marker that says so is in content or markerFiles. */
  nonTransactional: boolean;
  /** Files beside the migration that carry its settings (Flyway's V6__x.sql.conf, diesel's metadata.toml). */
  markerFiles?: MarkerFile[];
}

export interface FileEdits {
  path: string;
  edits: TextEdit[];
}

export interface RewritePlan {
  title: string;
  /** The rule whose finding this plan answers. */
  rule: string;
  phases: RewritePhase[];
  /** Edits to the current migration's file. */
  edits: TextEdit[];
  newFiles: NewMigrationFile[];
  /** Down / undo / revert files, where the framework keeps them apart from the up files. */
  downFiles: NewMigrationFile[];
  /** Edits to other existing files (sqitch.plan gets a line per new change). */
  otherEdits: FileEdits[];
  /** Things a person must know: framework caveats, checksum files to regenerate. */
  notes: string[];
}

export interface PlanContext {
  history: History;
  source: MigrationSource;
  /** The migration the finding is in. */
  migration: Migration;
  /** The full text of the migration's file (for Liquibase and dbmate/goose, the whole file). */
  text: string;
  /** The schema before the finding's statement: needed for primary keys and column types. */
  schema?: SchemaModel;
  config?: ResolvedConfig;
  /** Time used for timestamped versions, passed in so that plans are deterministic. */
  now: Date;
}

/** One migration to create, before it is named and laid out for the framework. */
export interface MigrationStep {
  /** Descriptive name, e.g. `add index users email`; made into the framework's file-name form. */
  name: string;
  /** SQL of the up direction, statements ending with semicolons. */
  up: string;
  /** SQL of the down direction, when there is one. */
  down?: string;
  nonTransactional: boolean;
}
