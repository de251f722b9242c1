/**
 * Machine-readable findings, one flat list in file order:
 * {"version":1,"findings":[{"file","rule","severity","line","column","endLine","endColumn","message"}]}.
 * Lines and columns are 1-based, columns count UTF-16 code units, endColumn is exclusive.
 */
import type { Reporter } from './types';

export const jsonReporter: Reporter = (report) => {
  const findings = report.files.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      file,
      rule: f.rule,
      severity: f.severity,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
    })),
  );
  return `${JSON.stringify({ version: 1, findings })}\n`;
};
