/**
 * The multi-step rewrite plans of an open migration: its findings (as its history's index linted
 * them, with the editor buffer) whose rule has a plan, each with the plan made for it.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { planFor, PLANNED_RULES, type ResolvedConfig, type RewritePlan } from '../../engine/index';
import type { Finding } from '../../engine/types';
import type { WorkspaceHistories } from '../histories/workspace-histories';

export interface PlannedFinding {
  finding: Finding;
  plan: RewritePlan;
  /** The history's root folder (plan paths are relative to it). */
  root: string;
}

/** Which findings to plan for: all of the file's planned ones, or those this predicate keeps. */
export type FindingFilter = (finding: Finding) => boolean;

/** True when the document is a migration of an indexed history whose index holds the document's text. */
export function inPlannableHistory(histories: WorkspaceHistories, doc: TextDocument): boolean {
  const inputs = histories.planInputs(doc.uri);
  return inputs !== undefined && inputs.source.read(inputs.path) === doc.getText();
}

/**
 * The plans for the document's planned findings that `keep` accepts. Empty when the document is in no
 * indexed history, or when the index has not seen its current text yet (a plan must fit the text).
 */
export function plansFor(histories: WorkspaceHistories, doc: TextDocument, config: ResolvedConfig | undefined, keep: FindingFilter, now = new Date()): PlannedFinding[] {
  const inputs = histories.planInputs(doc.uri);
  if (!inputs) return [];
  const text = inputs.source.read(inputs.path);
  if (text !== doc.getText()) return [];
  const out: PlannedFinding[] = [];
  for (const { migration, result } of inputs.migrations) {
    for (const finding of result.findings) {
      if (!PLANNED_RULES.has(finding.rule) || !keep(finding)) continue;
      const plan = planFor(finding, { history: inputs.history, source: inputs.source, migration, text, now, config, schema: inputs.schema });
      if (plan) out.push({ finding, plan, root: inputs.root });
    }
  }
  return out;
}
