/**
 * Hover: on a flagged range, the finding (message and safe alternative) followed by the rule's page;
 * on a rule id inside a `-- safe-migrations-ignore` comment, that rule's page.
 */
import type { Hover, Range } from 'vscode-languageserver/node';
import { RULES_BY_ID, type Finding } from '../../engine/index';
import type { RuleDocs } from '../rule-docs';

export interface HoverDocument {
  offsetAt(position: { line: number; character: number }): number;
  positionAt(offset: number): { line: number; character: number };
  getText(range?: Range): string;
}

export function hoverForFindings(findings: Finding[], offset: number, doc: HoverDocument, docs: RuleDocs): Hover | null {
  const hits = findings.filter((f) => (f.range.start <= offset && offset < f.range.end) || (f.range.start === f.range.end && f.range.start === offset));
  if (hits.length === 0) return null;
  const parts: string[] = [];
  for (const f of hits) {
    parts.push(`**${f.rule}** · ${f.severity}\n\n${escapeMarkdown(f.message)}` + (f.help ? `\n\n**Instead:** ${escapeMarkdown(f.help)}` : ''));
  }
  for (const rule of new Set(hits.map((f) => f.rule))) {
    const page = docs.page(rule);
    if (page) parts.push(pageBody(page, docs.uri(rule)));
  }
  const first = hits[0].range;
  return {
    contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') },
    range: { start: doc.positionAt(first.start), end: doc.positionAt(first.end) },
  };
}

const DIRECTIVE_LINE = /--\s*safe-migrations-ignore(?:-file)?\s/;

/** A rule id under the cursor inside an ignore directive: its page. */
export function hoverForDirective(doc: HoverDocument, position: { line: number; character: number }, docs: RuleDocs): Hover | null {
  const line = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  const directive = DIRECTIVE_LINE.exec(line);
  if (!directive || position.character < directive.index + directive[0].length) return null;
  const word = /[A-Za-z0-9_-]+/g;
  for (let m = word.exec(line); m; m = word.exec(line)) {
    if (m.index > position.character) break;
    if (position.character >= m.index + m[0].length || !RULES_BY_ID.has(m[0])) continue;
    const page = docs.page(m[0]);
    const rule = RULES_BY_ID.get(m[0])!;
    const value = page ? pageBody(page, docs.uri(m[0])) : `**${rule.id}**: ${escapeMarkdown(rule.meta.summary)}`;
    return {
      contents: { kind: 'markdown', value },
      range: { start: { line: position.line, character: m.index }, end: { line: position.line, character: m.index + m[0].length } },
    };
  }
  return null;
}

/** The page without its title line (the hover names the rule already), and a link to open it. */
function pageBody(page: string, uri: string | undefined): string {
  const body = page.replace(/^# [^\n]*\n+/, '').trimEnd();
  return uri ? `${body}\n\n[Open the rule's page](${uri})` : body;
}

/** Messages quote table and column names: keep `_` or `*` in them from turning into emphasis. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}
