/**
 * Output for people: findings grouped by file, one line each (`path:line:col  severity  rule  message`,
 * a location terminals and editors can open), the safe alternative indented below it, and a summary.
 */
import type { Severity } from '../../engine/index';
import type { LocatedFinding, Reporter } from './types';

const SEVERITIES: Severity[] = ['error', 'warning', 'info', 'hint'];

interface Paint {
  severity(severity: Severity, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ANSI: Paint = {
  severity: (severity, text) => `\x1b[${{ error: '31', warning: '33', info: '36', hint: '90' }[severity]}m${text}\x1b[39m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
  bold: (text) => `\x1b[1m${text}\x1b[22m`,
};

const PLAIN: Paint = { severity: (_, text) => text, dim: (text) => text, bold: (text) => text };

export const textReporter: Reporter = (report, options) => {
  const paint = options.color ? ANSI : PLAIN;
  const blocks: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const { file, findings } of report.files) {
    if (findings.length === 0) continue;
    for (const f of findings) counts[f.severity]++;
    blocks.push(fileBlock(file, findings, paint));
  }
  const total = SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
  const files = plural(report.files.length, 'file');
  const summary =
    total === 0
      ? `No problems found in ${files} checked.`
      : `${plural(total, 'problem')} (${SEVERITIES.map((s) => (counts[s] ? paint.severity(s, countLabel(counts[s], s)) : countLabel(0, s))).join(', ')}) in ${files} checked.`;
  return `${blocks.map((b) => `${b}\n\n`).join('')}${paint.bold(summary)}\n`;
};

function fileBlock(file: string, findings: LocatedFinding[], paint: Paint): string {
  // Align the columns within a file so that the messages start at the same place.
  const locations = findings.map((f) => `${file}:${f.line}:${f.column}`);
  const locationWidth = Math.max(...locations.map((l) => l.length));
  const severityWidth = Math.max(...findings.map((f) => f.severity.length));
  const ruleWidth = Math.max(...findings.map((f) => f.rule.length));
  const lines: string[] = [];
  findings.forEach((f, i) => {
    const location = paint.bold(locations[i].padEnd(locationWidth));
    const severity = paint.severity(f.severity, f.severity.padEnd(severityWidth));
    const rule = paint.dim(f.rule.padEnd(ruleWidth));
    lines.push(`${location}  ${severity}  ${rule}  ${f.message}`);
    if (f.help) lines.push(`    ${paint.dim('→')} ${f.help}`);
  });
  return lines.join('\n');
}

function countLabel(count: number, severity: Severity): string {
  if (severity === 'info') return `${count} info`;
  return plural(count, severity);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
