/**
 * Applying findings' fixes to a file's text. Edits of one pass never overlap: a fix that touches text
 * another chosen fix already edits is left for the next pass (after re-linting), so no edit is ever
 * applied to text it was not computed for.
 */
import type { Finding, Fix, TextEdit, TextRange } from '../types';

/** Which fixes to apply: autofixes only, or also suggestions (single-file ones). */
export interface FixSelection {
  suggestions?: boolean;
}

/** The text with the edits applied; the edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  return sorted.reduce((out, e) => out.slice(0, e.range.start) + e.newText + out.slice(e.range.end), text);
}

/** The first fix of the finding that the selection allows. */
export function chosenFix(finding: Finding, selection: FixSelection = {}): Fix | undefined {
  return finding.fixes?.find((f) => f.kind === 'autofix') ?? (selection.suggestions ? finding.fixes?.find((f) => f.kind === 'suggestion') : undefined);
}

/**
 * Touching counts as overlapping: an insertion at the start or end of a replaced range has no
 * well-defined order with it, so one of the two waits for the next pass.
 */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.range.start <= b.range.end && b.range.start <= a.range.end;
}

function sameText(a: TextRange, b: TextRange): boolean {
  return (a.start < b.end && b.start < a.end) || (a.start === b.start && a.end === b.end);
}

/** The non-overlapping edits of the findings' chosen fixes, in finding order; identical fixes count once. */
export function editsOfFindings(findings: readonly Finding[], selection: FixSelection = {}): { edits: TextEdit[]; applied: Finding[] } {
  const edits: TextEdit[] = [];
  const applied: Finding[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const fix = chosenFix(finding, selection);
    if (!fix || fix.edits.length === 0) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) {
      applied.push(finding);
      continue;
    }
    if (fix.edits.some((e) => edits.some((taken) => overlaps(e, taken)))) continue;
    // Two findings on the same text (e.g. CONCURRENTLY and IF NOT EXISTS for one CREATE INDEX) may
    // offer fixes that each make sense alone but not together: one waits for the next pass.
    if (applied.some((other) => sameText(other.range, finding.range))) continue;
    seen.add(key);
    edits.push(...fix.edits);
    applied.push(finding);
  }
  return { edits, applied };
}

/**
 * Fixes a file until no chosen fix is left, re-linting after each pass (at most `maxPasses`, so two
 * rules that undo each other cannot loop forever). Returns the final text and how many fixes went in.
 */
export function fixUntilStable(text: string, lintText: (text: string) => readonly Finding[], selection: FixSelection = {}, maxPasses = 10): { text: string; fixed: number; passes: number } {
  let current = text;
  let fixed = 0;
  let passes = 0;
  while (passes < maxPasses) {
    const { edits, applied } = editsOfFindings(lintText(current), selection);
    if (edits.length === 0) break;
    const next = applyEdits(current, edits);
    passes++;
    if (next === current) break;
    fixed += applied.length;
    current = next;
  }
  return { text: current, fixed, passes };
}
