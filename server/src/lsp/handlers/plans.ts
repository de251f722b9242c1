/**
 * Safe multi-step rewrite plans in the editor: a quick fix "Rewrite as a safe multi-step migration…"
 * (never preferred, never part of fix-all: it adds migration files), resolved lazily so that code
 * action requests stay fast; the preview request; and a "Preview safe plan" CodeLens on flagged
 * statements that have a plan. Offered only for migrations of an indexed history, to clients that
 * can create files.
 */
import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { PLANNED_RULES } from '../../engine/index';
import type { Finding } from '../../engine/types';
import { PREVIEW_PLAN_COMMAND, type PlanPreview, type PreviewPlanParams, type PreviewPlanResult } from '../../protocol/plans';
import type { WorkspaceHistories } from '../histories/workspace-histories';
import { inPlannableHistory, plansFor, type FindingFilter, type PlannedFinding } from '../plans/plan-lookup';
import { planMarkdown } from '../plans/plan-markdown';
import { canCreateFiles, planWorkspaceEdit } from '../plans/plan-edit';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export const PLAN_ACTION_TITLE = 'Rewrite as a safe multi-step migration…';

/** What a plan action carries until it is resolved: the finding it answers, in the version it was seen. */
export interface PlanActionData {
  safeMigrationsPlan: { uri: string; version: number; rule: string; start: number; end: number };
}

export class PlanActions {
  private canCreate = false;
  private canResolve = false;

  constructor(
    private readonly histories: WorkspaceHistories,
    private readonly documents: TextDocuments<TextDocument>,
  ) {}

  initialize(capabilities: ClientCapabilities): void {
    this.canCreate = canCreateFiles(capabilities);
    this.canResolve = capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
  }

  /** The plan actions for our planned diagnostics in the request; edits are filled in by resolve when the client can. */
  codeActions(params: CodeActionParams, doc: TextDocument): CodeAction[] {
    if (!this.canCreate || !wantsQuickFix(params)) return [];
    const planned = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' && PLANNED_RULES.has(d.code));
    if (planned.length === 0 || !inPlannableHistory(this.histories, doc)) return [];
    const actions: CodeAction[] = [];
    for (const diagnostic of planned) {
      const target = { uri: doc.uri, version: doc.version, rule: String(diagnostic.code), start: doc.offsetAt(diagnostic.range.start), end: doc.offsetAt(diagnostic.range.end) };
      const action: CodeAction = { title: PLAN_ACTION_TITLE, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: false };
      // Planned here (not only on resolve) so that a statement the recipe does not cover gets no action
      // that would fail when picked. The WorkspaceEdit is still built on resolve.
      const found = this.plans(doc, matching(target));
      if (found.length === 0) continue;
      if (this.canResolve) {
        action.data = { safeMigrationsPlan: target } satisfies PlanActionData;
        actions.push(action);
        continue;
      }
      actions.push(this.withPlan(action, found[0], doc));
    }
    return actions;
  }

  /** codeAction/resolve: the plan's WorkspaceEdit, made for the document version the action was offered for. */
  resolve(action: CodeAction): CodeAction {
    const target = (action.data as Partial<PlanActionData> | undefined)?.safeMigrationsPlan;
    if (!target) return action;
    const doc = this.documents.get(target.uri);
    if (!doc || doc.version !== target.version) {
      throw new ResponseError(LSPErrorCodes.ContentModified, 'The document changed since this rewrite was offered.');
    }
    const found = this.plans(doc, matching(target));
    if (found.length === 0) throw new ResponseError(LSPErrorCodes.ContentModified, 'The migration history changed: this finding has no rewrite any more.');
    return this.withPlan(action, found[0], doc);
  }

  /** safeMigrations/previewPlan. */
  preview(params: PreviewPlanParams): PreviewPlanResult {
    const doc = this.documents.get(params.uri);
    if (!doc) return { plans: [], reason: 'The file is not open.' };
    if (!this.histories.planInputs(doc.uri)) return { plans: [], reason: 'The file is not a migration of an indexed history: plans name new migrations after the history’s newest one.' };
    const at = params.position && doc.offsetAt(params.position);
    const keep: FindingFilter = (f) => at === undefined || (f.range.start <= at && at <= f.range.end);
    const plans = this.plans(doc, keep).map((p) => this.preview1(p, doc));
    return plans.length > 0 ? { plans } : { plans, reason: at === undefined ? 'No finding in this file has a safe multi-step rewrite.' : 'No finding here has a safe multi-step rewrite.' };
  }

  /** One "Preview safe plan" lens per flagged statement with a plan. */
  codeLenses(doc: TextDocument): CodeLens[] {
    const lenses: CodeLens[] = [];
    const seen = new Set<number>();
    for (const { finding } of this.plans(doc, () => true)) {
      const start = doc.positionAt(finding.range.start);
      if (seen.has(start.line)) continue;
      seen.add(start.line);
      lenses.push({
        range: { start, end: doc.positionAt(finding.range.end) },
        command: { title: 'Preview safe plan', command: PREVIEW_PLAN_COMMAND, arguments: [doc.uri, start] },
      });
    }
    return lenses;
  }

  private plans(doc: TextDocument, keep: FindingFilter): PlannedFinding[] {
    return plansFor(this.histories, doc, this.histories.planInputs(doc.uri)?.config, keep);
  }

  private edit(p: PlannedFinding, doc: TextDocument) {
    return planWorkspaceEdit(p.plan, { root: p.root, doc, openDocument: (uri) => this.documents.get(uri) });
  }

  private withPlan(action: CodeAction, p: PlannedFinding, doc: TextDocument): CodeAction {
    return { ...action, edit: this.edit(p, doc) };
  }

  private preview1(p: PlannedFinding, doc: TextDocument): PlanPreview {
    const inputs = this.histories.planInputs(doc.uri);
    return {
      rule: p.finding.rule,
      title: p.plan.title,
      range: { start: doc.positionAt(p.finding.range.start), end: doc.positionAt(p.finding.range.end) },
      markdown: planMarkdown(p.plan, inputs?.path ?? doc.uri),
      edit: this.edit(p, doc),
      version: doc.version,
    };
  }
}

function matching(target: PlanActionData['safeMigrationsPlan']): FindingFilter {
  return (f: Finding) => f.rule === target.rule && f.range.start === target.start && f.range.end === target.end;
}

function wantsQuickFix(params: CodeActionParams): boolean {
  const only = params.context.only;
  return !only || only.some((k) => CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`));
}
