/**
 * Whether an applied fix did its job, from the whole history linted before and after it: the rule no
 * longer fires where the finding was (followed through the edits) nor more often than before less
 * one, every file parses, and no finding of severity warning or error is new. Findings are compared
 * by rule and message wherever they are (a statement a plan moves to a new file keeps its findings),
 * then by rule within a file.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonFinding } from '../cli/helpers';
import { followRange, type AppliedEdits } from './fix-workspace-edit';

export interface FixedFinding {
  rule: string;
  /** The file the finding was in (absolute). */
  path: string;
  /** Its text before the fix, and the edits the fix made to it. */
  text: string;
  edits: readonly AppliedEdits[];
  /** 1-based line and column (UTF-16) of the finding's start, and its exclusive end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const BLOCKING = new Set(['warning', 'error']);
export const describeFinding = (f: JsonFinding) => `${f.rule} (${f.severity}) at ${f.file.split('/').slice(-1)[0]}:${f.line}:${f.column}: ${f.message}`;
const keyOf = (f: JsonFinding) => `${f.rule}\u0000${f.message}`;

function offsetOf(doc: TextDocument, line: number, column: number): number {
  return doc.offsetAt({ line: line - 1, character: column - 1 });
}

/** What is wrong after the fix; empty when it is right. */
export function fixProblems(fixed: FixedFinding, before: readonly JsonFinding[], after: readonly JsonFinding[], textAfter: (path: string) => string): string[] {
  const problems: string[] = [];
  for (const f of after.filter((f) => f.rule === 'syntax-error')) problems.push(`the fixed history does not parse: ${describeFinding(f)}`);

  const old = TextDocument.create('file:///before', 'sql', 0, fixed.text);
  const place = followRange(fixed.edits, offsetOf(old, fixed.line, fixed.column), offsetOf(old, fixed.endLine, fixed.endColumn));
  const now = TextDocument.create('file:///after', 'sql', 0, textAfter(fixed.path));
  for (const f of after.filter((f) => f.rule === fixed.rule && f.file === fixed.path)) {
    const start = offsetOf(now, f.line, f.column);
    const end = offsetOf(now, f.endLine, f.endColumn);
    if (start < place.end && place.start < end) problems.push(`the rule still fires at the fixed statement: ${describeFinding(f)}`);
  }
  const count = (list: readonly JsonFinding[]) => list.filter((f) => f.rule === fixed.rule).length;
  if (count(after) > count(before) - 1) {
    problems.push(`${fixed.rule} fires ${count(after)} time(s) after the fix, ${count(before)} before: ${after.filter((f) => f.rule === fixed.rule).map(describeFinding).join(' | ')}`);
  }

  // A finding before and after with the same rule and message is the same one, wherever it is; then
  // one with the same rule in the same file (its wording changed with the statement it is about, as
  // lock-timeout's, reported once per file, does when a plan rewrites the first locking statement).
  const unmatched = [...after];
  const left = [...before];
  const take = (same: (a: JsonFinding, b: JsonFinding) => boolean) => {
    for (let i = unmatched.length - 1; i >= 0; i--) {
      const j = left.findIndex((b) => same(unmatched[i], b));
      if (j >= 0) {
        left.splice(j, 1);
        unmatched.splice(i, 1);
      }
    }
  };
  take((a, b) => keyOf(a) === keyOf(b));
  take((a, b) => a.rule === b.rule && a.file === b.file);
  for (const f of unmatched.reverse()) {
    if (BLOCKING.has(f.severity) && f.rule !== 'syntax-error' && f.rule !== fixed.rule) problems.push(`new finding: ${describeFinding(f)}`);
  }
  return problems;
}
