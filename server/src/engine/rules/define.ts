/**
 * The shape of a rule. A rule's `check(ctx)` returns visitors keyed by parse-tree node type; the
 * linter walks the file once, in order, and calls each visitor with the schema model as it stands
 * *before* that statement (then applies the statement). One pass serves every rule, which keeps
 * linting on each keystroke cheap, and "what did the schema look like here" needs no snapshots.
 */
import type { RangeVar } from '@pgsql/types';
import type { ResolvedConfig } from '../config';
import type { NodeKind, NodeOf, ParsedFile, Statement } from '../dialects/postgres/statement';
import type { Migration } from '../history/types';
import type { HistoryView } from '../history/view';
import type { SchemaModel } from '../schema/model';
import type { Fix, RuleCategory, ServerVersion, Severity, TextRange } from '../types';

export interface RuleMeta {
  category: RuleCategory;
  /** Default severity; "off" rules run only when configured. */
  severity: Severity | 'off';
  /** One line: what the rule flags. */
  summary: string;
  /** Message templates keyed by message id; `{{name}}` is replaced from the report's data. */
  messages: Record<string, string>;
  /** The safe alternative, in one or two sentences (may use the same `{{name}}` placeholders). */
  help: string;
  /** What the rule can offer: an autofix (safe for fix-all), a suggestion, or nothing. */
  fix: 'autofix' | 'suggestion' | 'none';
  /** Needs the replayed migration history to be right; the linter notes when it is unknown. */
  needsHistory?: boolean;
}

export type Visitors = {
  [K in NodeKind]?: (node: NodeOf<K>, stmt: Statement) => void;
} & {
  /** Called for every statement, after the typed visitor. */
  any?: (stmt: Statement) => void;
  /** Called once after the last statement. */
  end?: () => void;
};

export interface TransactionState {
  /** Inside an explicit BEGIN … COMMIT written in the file. */
  explicit: boolean;
  /** The statement that opened the explicit transaction. */
  begin?: Statement;
  /** The runner wraps the whole file in a transaction (configuration or framework). */
  wrapped: boolean;
}

export interface Report {
  /** The statement the finding is about; omitted for a finding about the whole file (at its first line). */
  stmt?: Statement;
  /** Defaults to the statement's first line (the file's first line without a statement). */
  range?: TextRange;
  messageId: string;
  data?: Record<string, string | number>;
  fixes?: Fix[];
}

export interface RuleContext {
  readonly file: ParsedFile;
  readonly config: ResolvedConfig;
  readonly serverVersion: ServerVersion;
  /** The schema model before the statement being visited. */
  readonly schema: SchemaModel;
  readonly transaction: Readonly<TransactionState>;
  /** True when the server version is at least major.minor. */
  atLeast(major: number, minor?: number): boolean;
  /** True when the table was created earlier in this file. Unknown tables count as existing. */
  isNewTable(relation: RangeVar | string | undefined): boolean;
  /** True when the statement being visited runs inside a transaction (explicit or runner-wrapped). */
  inTransaction(): boolean;
  /** A session setting (`lock_timeout`, `statement_timeout`) in force before the statement, or from configuration. */
  setting(name: string): string | undefined;
  /** The migration being linted, when the file is linted as part of a history. */
  readonly migration?: Migration;
  /** The history around it; rules with meta.needsHistory stay silent when this is undefined. */
  readonly history?: HistoryView;
  report(report: Report): void;
}

export interface Rule {
  id: string;
  meta: RuleMeta;
  check(ctx: RuleContext): Visitors;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Replaces `{{name}}` placeholders. */
export function formatTemplate(template: string, data: Record<string, string | number> | undefined): string {
  // Every finding formats its message and help: each template is split into its text and {{key}}
  // parts once (odd positions are keys), instead of a regular-expression replace per finding.
  let parts = templateParts.get(template);
  if (!parts) {
    if (templateParts.size >= 4096) templateParts.clear(); // only if some caller formats arbitrary texts
    templateParts.set(template, (parts = template.split(/\{\{(\w+)\}\}/)));
  }
  if (parts.length === 1) return template;
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i];
    out += (data && key in data ? String(data[key]) : `{{${key}}}`) + parts[i + 1];
  }
  return out;
}

/** Split templates by template text; rule messages and helps are a fixed set, so this stays small. */
const templateParts = new Map<string, string[]>();
