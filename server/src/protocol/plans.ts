/**
 * Safe multi-step rewrite plans between the language server and the VS Code client. Plain payload
 * types: the edit is an LSP WorkspaceEdit as JSON, which the client converts with its own library.
 */

/** Request, client → server: the plans of a migration's findings, with their markdown and edit. */
export const PREVIEW_PLAN_METHOD = 'safeMigrations/previewPlan';

/** The command (client side) that shows a plan's preview; the CodeLens runs it with [uri, position]. */
export const PREVIEW_PLAN_COMMAND = 'safeMigrations.previewPlan';

export interface PlanPosition {
  line: number;
  character: number;
}

export interface PreviewPlanParams {
  uri: string;
  /** Only the plans of findings that contain this position; every planned finding of the file when absent. */
  position?: PlanPosition;
}

export interface PlanPreview {
  rule: string;
  title: string;
  /** The finding's range in the document. */
  range: { start: PlanPosition; end: PlanPosition };
  /** The plan as markdown: steps in order with the deploys between them and their locks, the files, notes. */
  markdown: string;
  /** The LSP WorkspaceEdit (documentChanges with CreateFile) that applies the plan. */
  edit: unknown;
  /** The document version the plan and its edit were made for. */
  version: number;
}

export interface PreviewPlanResult {
  plans: PlanPreview[];
  /** Why there are no plans, when there are none (not in a history, not indexed yet, no planned finding). */
  reason?: string;
}
