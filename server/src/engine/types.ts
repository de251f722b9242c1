/**
 * Shared vocabulary of the engine. Offsets are UTF-16 code-unit offsets into the file's text (what
 * JavaScript strings, VS Code and LSP use), half-open: [start, end).
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export interface TextRange {
  start: number;
  end: number;
}

export type RuleCategory =
  | 'locking'
  | 'rewrite'
  | 'data-loss'
  | 'compatibility'
  | 'transaction'
  | 'history'
  | 'convention'
  | 'syntax';

/** A text edit against the file being linted. */
export interface TextEdit {
  range: TextRange;
  newText: string;
}

/** A fix offered with a finding. Autofixes are safe to apply unattended (fix-all). */
export interface Fix {
  title: string;
  kind: 'autofix' | 'suggestion';
  edits: TextEdit[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  range: TextRange;
  /** One line a person can act on: lock, table, what it blocks, what to do instead. */
  message: string;
  /** The safe alternative, shown in text output and hovers. */
  help?: string;
  messageId: string;
  fixes?: Fix[];
}

/** PostgreSQL server version the migration targets, e.g. { major: 14, minor: 2 }. */
export interface ServerVersion {
  major: number;
  minor: number;
}

export type Dialect = 'postgres';
