/**
 * Safe Migrations: Preview Safe Plan. Asks the server for the multi-step rewrite of the finding under
 * the cursor (or at the CodeLens that ran it; else one picked from the file's planned findings), shows
 * it as markdown, and offers to apply it. The edit goes through VS Code's refactor preview (each entry
 * needs confirmation), so the new migration files are reviewed before anything is written.
 */
import { commands, Position, Range, Uri, window, workspace, WorkspaceEdit, type WorkspaceEditEntryMetadata } from 'vscode';
import { PREVIEW_PLAN_METHOD, type PlanPosition, type PlanPreview, type PreviewPlanParams, type PreviewPlanResult } from '../../../server/src/protocol/plans';
import type { Ctx } from '../ctx';

export function previewPlan(ctx: Ctx): (uri?: unknown, position?: unknown) => Promise<void> {
  return async (uriArg?: unknown, positionArg?: unknown) => {
    const editor = window.activeTextEditor;
    const uri = typeof uriArg === 'string' ? uriArg : editor?.document.uri.toString();
    if (!uri) {
      void window.showInformationMessage('Safe Migrations: open a migration to preview its safe plan.');
      return;
    }
    const position = isPosition(positionArg) ? positionArg : editor && editor.document.uri.toString() === uri ? editor.selection.active : undefined;
    let plan: PlanPreview | undefined;
    try {
      plan = await pickPlan(ctx, uri, position && { line: position.line, character: position.character });
    } catch (error) {
      void window.showErrorMessage(`Safe Migrations: could not make the safe plan: ${(error as Error).message}`);
      return;
    }
    if (!plan) return;
    const doc = await workspace.openTextDocument({ language: 'markdown', content: plan.markdown });
    await commands.executeCommand('markdown.showPreview', doc.uri);
    const choice = await window.showInformationMessage(`Safe Migrations: ${plan.title}`, 'Apply…');
    if (choice === 'Apply…') await applyPlan(uri, plan);
  };
}

/** The plan at the position; else the only planned finding of the file, or one picked from them. */
async function pickPlan(ctx: Ctx, uri: string, position: PlanPosition | undefined): Promise<PlanPreview | undefined> {
  if (position) {
    const here = await ctx.request<PreviewPlanResult>(PREVIEW_PLAN_METHOD, { uri, position } satisfies PreviewPlanParams);
    if (here.plans.length > 0) return here.plans[0];
  }
  const all = await ctx.request<PreviewPlanResult>(PREVIEW_PLAN_METHOD, { uri } satisfies PreviewPlanParams);
  if (all.plans.length === 0) {
    void window.showInformationMessage(`Safe Migrations: ${all.reason ?? 'no safe plan here.'}`);
    return undefined;
  }
  if (all.plans.length === 1) return all.plans[0];
  const picked = await window.showQuickPick(
    all.plans.map((plan) => ({ label: plan.title, description: `${plan.rule} · line ${plan.range.start.line + 1}`, plan })),
    { placeHolder: 'Which finding’s safe plan?' },
  );
  return picked?.plan;
}

interface LspTextEdit {
  range: { start: PlanPosition; end: PlanPosition };
  newText: string;
}
type LspChange = { kind: 'create'; uri: string; options?: { overwrite?: boolean; ignoreIfExists?: boolean } } | { textDocument: { uri: string; version: number | null }; edits: LspTextEdit[] };

/** Applies the plan's LSP WorkspaceEdit, refusing when the migration changed since the plan was made. */
async function applyPlan(uri: string, plan: PlanPreview): Promise<void> {
  const open = workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (open && open.version !== plan.version) {
    void window.showWarningMessage('Safe Migrations: the migration changed since the plan was made; preview it again.');
    return;
  }
  const metadata: WorkspaceEditEntryMetadata = { needsConfirmation: true, label: plan.title };
  const edit = new WorkspaceEdit();
  for (const change of (plan.edit as { documentChanges?: LspChange[] }).documentChanges ?? []) {
    if ('kind' in change) {
      edit.createFile(Uri.parse(change.uri), { overwrite: change.options?.overwrite ?? false, ignoreIfExists: change.options?.ignoreIfExists ?? false }, metadata);
      continue;
    }
    for (const e of change.edits) edit.replace(Uri.parse(change.textDocument.uri), toRange(e.range), e.newText, metadata);
  }
  const applied = await workspace.applyEdit(edit, { isRefactoring: true });
  if (!applied) void window.showWarningMessage('Safe Migrations: the safe plan was not applied.');
}

function toRange(range: LspTextEdit['range']): Range {
  return new Range(new Position(range.start.line, range.start.character), new Position(range.end.line, range.end.character));
}

function isPosition(value: unknown): value is PlanPosition {
  const p = value as Partial<PlanPosition> | undefined;
  return typeof p?.line === 'number' && typeof p.character === 'number';
}
