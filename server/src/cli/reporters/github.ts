/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff,
 * `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::<message>`.
 */
import type { Severity } from '../../engine/index';
import type { Reporter } from './types';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** A command's message: GitHub unescapes %25, %0D and %0A. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: additionally ':' and ',' would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const githubReporter: Reporter = (report) => {
  const lines: string[] = [];
  for (const { file, findings } of report.files) {
    for (const f of findings) {
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `endLine=${f.endLine}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(f.rule)}`,
      ].join(',');
      const message = f.help ? `${f.message}\n→ ${f.help}` : f.message;
      lines.push(`::${LEVEL[f.severity]} ${properties}::${escapeData(message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
