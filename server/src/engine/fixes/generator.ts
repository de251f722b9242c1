/** What each multi-step rewrite module provides; plan.ts lays its steps out for the framework. */
import type { Statement } from '../dialects/postgres/statement';
import type { Finding, TextEdit } from '../types';
import type { MigrationStep, PlanContext, RewritePhase } from './types';

export interface GeneratorInput {
  finding: Finding;
  /** The statement the finding points into. */
  stmt: Statement;
  /** The migration's text (outside its sections blanked), which the statement's offsets index. */
  text: string;
  /** All statements of the migration, for generators that need the schema before the statement. */
  statements: Statement[];
  ctx: PlanContext;
}

export interface DraftPhase extends Omit<RewritePhase, 'path'> {
  /** Index into the draft's steps, or 'current' for the edited current migration. */
  step: number | 'current';
}

export interface DraftPlan {
  title: string;
  edits: TextEdit[];
  steps: MigrationStep[];
  phases: DraftPhase[];
  notes?: string[];
}

export interface Generator {
  /** The rule whose findings this generator answers. */
  rule: string;
  /** The plan, or null when the statement is outside what the recipe handles (unnamed constraint…). */
  draft(input: GeneratorInput): DraftPlan | null;
}
