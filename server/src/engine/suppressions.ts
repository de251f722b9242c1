/**
 * In-file suppressions:
 *   -- safe-migrations-ignore rule-a, rule-b        the next statement
 *   -- safe-migrations-ignore-file rule-a           the whole file
 * A directive naming an unknown rule is reported (rule `invalid-directive`) so a typo never silently
 * keeps a warning alive or hides nothing.
 */
import type { LineComment } from './dialects/postgres/split';
import type { Statement } from './dialects/postgres/statement';
import type { TextRange } from './types';

export interface Directive {
  scope: 'next-statement' | 'file';
  rules: string[];
  range: TextRange;
  /** Ranges of each rule id inside the comment, for precise errors. */
  ruleRanges: TextRange[];
}

const DIRECTIVE = /^\s*safe-migrations-(ignore-file|ignore)(?=\s|$)(.*)$/;

export function readDirectives(comments: LineComment[]): Directive[] {
  const out: Directive[] = [];
  for (const comment of comments) {
    if (!comment.body.includes('safe-migrations-')) continue;
    const match = DIRECTIVE.exec(comment.body);
    if (!match) continue;
    const listStart = comment.start + 2 + comment.body.length - match[2].length;
    const rules: string[] = [];
    const ruleRanges: TextRange[] = [];
    // A rule list may be followed by an explanation after "--" or ":"; only the list counts.
    const list = match[2].split(/\s--|:\s/)[0];
    // Any run of characters up to a space or comma is one id, so a misspelt id (`dróp-table`,
    // `drop_table.`) is reported whole rather than in pieces.
    const idPattern = /[^\s,]+/g;
    for (let m = idPattern.exec(list); m; m = idPattern.exec(list)) {
      rules.push(m[0]);
      ruleRanges.push({ start: listStart + m.index, end: listStart + m.index + m[0].length });
    }
    out.push({ scope: match[1] === 'ignore-file' ? 'file' : 'next-statement', rules, range: { start: comment.start, end: comment.end }, ruleRanges });
  }
  return out;
}

export class Suppressions {
  private readonly fileRules = new Set<string>();
  /** Statement index → rules suppressed for it. */
  private readonly byStatement = new Map<number, Set<string>>();

  constructor(directives: Directive[], statements: Statement[]) {
    for (const d of directives) {
      if (d.scope === 'file') {
        for (const r of d.rules) this.fileRules.add(r);
        continue;
      }
      const next = firstStatementAfter(statements, d.range.end);
      if (next === undefined) continue;
      let set = this.byStatement.get(next);
      if (!set) this.byStatement.set(next, (set = new Set()));
      for (const r of d.rules) set.add(r);
    }
  }

  isSuppressed(rule: string, statementIndex: number): boolean {
    return this.fileRules.has(rule) || (this.byStatement.get(statementIndex)?.has(rule) ?? false);
  }
}

function firstStatementAfter(statements: Statement[], offset: number): number | undefined {
  let lo = 0;
  let hi = statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (statements[mid].range.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < statements.length ? statements[lo].index : undefined;
}
