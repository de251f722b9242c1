/**
 * Quick fixes and fix-all. A finding's fixes travel in its diagnostic's `data`, with the document
 * version they were computed for; a request about an older version is refused (ContentModified), so
 * an edit is never applied to text it was not made for. Fix-all applies autofixes only: suggestions
 * (which may split a migration or add backfills) are always picked one by one.
 */
import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, type FixData } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.safeMigrations`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/** One quick fix per fix of each of our diagnostics in the request's context. */
export function quickFixes(params: CodeActionParams, currentVersion: number): CodeAction[] {
  if (!wants(params, CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    const data = ourFixData(diagnostic);
    if (!data) continue;
    if (data.version !== currentVersion) {
      throw new ResponseError(LSPErrorCodes.ContentModified, 'The document changed since these diagnostics were computed.');
    }
    data.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.kind === 'autofix' && i === 0,
        edit: { changes: { [params.textDocument.uri]: fix.edits } },
      });
    });
  }
  return actions;
}

/** Every autofix of the document at once, skipping edits that overlap an earlier one. */
export function fixAll(params: CodeActionParams, diagnostics: Diagnostic[]): CodeAction | undefined {
  if (!params.context.only?.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`))) return undefined;
  const edits: TextEdit[] = [];
  const fixed: Diagnostic[] = [];
  const seen = new Set<string>();
  const taken: FixedSpan[] = [];
  for (const diagnostic of diagnostics) {
    const fix = ourFixData(diagnostic)?.fixes.find((f) => f.kind === 'autofix');
    if (!fix) continue;
    // Rules may offer the same edit for several statements (e.g. one SET at the top of the file).
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) {
      fixed.push(diagnostic);
      continue;
    }
    if (fix.edits.some((e) => edits.some((taken) => overlaps(e, taken)))) continue;
    // Two findings on the same text (CONCURRENTLY and IF NOT EXISTS for one CREATE INDEX) may offer
    // fixes that are right alone but clash together: the second waits for the next fix-all, as the
    // CLI's fix does between passes.
    if (taken.some((other) => clashes(other, { range: diagnostic.range, edits: fix.edits }))) continue;
    seen.add(key);
    edits.push(...fix.edits);
    fixed.push(diagnostic);
    taken.push({ range: diagnostic.range, edits: fix.edits });
  }
  if (edits.length === 0) return undefined;
  return {
    title: 'Apply all Safe Migrations autofixes',
    kind: FIX_ALL_KIND,
    diagnostics: fixed,
    edit: { changes: { [params.textDocument.uri]: edits } },
  };
}

interface FixedSpan {
  range: Range;
  edits: TextEdit[];
}

/**
 * Both findings flag the same text and both fixes edit inside it (CONCURRENTLY and IF NOT EXISTS for
 * one CREATE INDEX). An insertion before the flagged text (SET lock_timeout at the top) never clashes.
 */
function clashes(a: FixedSpan, b: FixedSpan): boolean {
  if (!overlaps({ range: a.range, newText: '' }, { range: b.range, newText: '' })) return false;
  const span: Range = { start: before(a.range.start, b.range.start) ? a.range.start : b.range.start, end: before(a.range.end, b.range.end) ? b.range.end : a.range.end };
  const inside = (edit: TextEdit) => before(span.start, edit.range.start) && !before(span.end, edit.range.end);
  return a.edits.some(inside) && b.edits.some(inside);
}

function wants(params: CodeActionParams, kind: string): boolean {
  const only = params.context.only;
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

function ourFixData(diagnostic: Diagnostic): FixData | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<FixData> | undefined;
  return data && typeof data.version === 'number' && Array.isArray(data.fixes) ? (data as FixData) : undefined;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Two edits conflict when their ranges intersect, or when both insert at the same point. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEmpty = !before(a.range.start, a.range.end);
  const bEmpty = !before(b.range.start, b.range.end);
  if (aEmpty && bEmpty) return !before(a.range.start, b.range.start) && !before(b.range.start, a.range.start);
  return before(a.range.start, b.range.end) && before(b.range.start, a.range.end);
}
