/**
 * Several migrations (the pending ones) dry-run as one text, in one transaction, so that each sees
 * what the ones before it created. This module joins their texts and maps the report's lines back to
 * each file. A lone `;` on a line of its own separates them: it ends a last statement written without
 * a semicolon, and the splitter drops the empty statement it makes.
 */
import type { RefusedStatement, StatementReport } from '../../db/report';
import type { DryRunRefusal, DryRunStatement } from '../../protocol/dry-run';

const SEPARATOR = '\n;\n';

export interface CombinedText {
  text: string;
  /** Lines before each file's first line in the combined text. */
  lineOffsets: number[];
}

export function combineTexts(texts: string[]): CombinedText {
  const lineOffsets: number[] = [];
  let lines = 0;
  for (const text of texts) {
    lineOffsets.push(lines);
    lines += countNewlines(text) + countNewlines(SEPARATOR);
  }
  return { text: texts.join(SEPARATOR), lineOffsets };
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The file a combined line belongs to, and the line in that file. */
export function locate(combined: CombinedText, line: number): { file: number; line: number } {
  let file = 0;
  for (let i = 0; i < combined.lineOffsets.length; i++) if (line - 1 >= combined.lineOffsets[i]) file = i;
  return { file, line: line - combined.lineOffsets[file] };
}

export function placeStatement(combined: CombinedText, statement: StatementReport): DryRunStatement {
  const at = locate(combined, statement.line);
  return { ...statement, line: at.line, file: at.file };
}

export function placeRefusal(combined: CombinedText, refusal: RefusedStatement): DryRunRefusal {
  const at = locate(combined, refusal.line);
  return { ...refusal, line: at.line, file: at.file };
}
