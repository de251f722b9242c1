/**
 * Lints one migration file: split and parse it, then walk its statements once, in order, calling the
 * enabled rules' visitors with the schema model and session state as they stand before each statement.
 */
import { resolveConfig, type ResolvedConfig } from './config';
import { compareFindings } from './finding-order';
import { relationKey } from './dialects/postgres/ast';
import { COPY_DATA, parseFile, SYNTAX_ERROR, type ParseCache, type ParsedFile, type Statement } from './dialects/postgres/statement';
import type { Rule, RuleContext, Visitors } from './rules/define';
import { formatTemplate } from './rules/define';
import { ALL_RULES, RULES_BY_ID } from './rules/index';
import { SchemaModel } from './schema/model';
import { SessionState } from './session';
import { readDirectives, Suppressions } from './suppressions';
import type { Finding, Severity, TextRange } from './types';
import type { Migration } from './history/types';
import type { HistoryView } from './history/view';

export interface LintOptions {
  config?: ResolvedConfig;
  /** Re-used between runs so that only changed statements are parsed again. */
  cache?: ParseCache;
  /** The schema after the earlier migrations of the history. It is mutated: pass a copy. */
  schema?: SchemaModel;
  /** The framework runs this file inside a transaction (overrides `assumeInTransaction`). */
  runsInTransaction?: boolean;
  /** UTF-16 offset of the first byte that was not valid UTF-8, found while decoding the file. */
  invalidUtf8At?: number;
  /** The migration this file is, when linted as part of a history (objects it changes record it). */
  migration?: Migration;
  /** The history around the migration, for the rules that need it (meta.needsHistory). */
  history?: HistoryView;
}

export interface LintResult {
  file: ParsedFile;
  findings: Finding[];
}

export function lint(text: string, options: LintOptions = {}): LintResult {
  const config = options.config ?? resolveConfig();
  const findings: Finding[] = [];
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    // A binary file: parsing it would only produce noise.
    const finding = builtinFinding('unreadable-file', 'binary', { start: 0, end: Math.min(text.indexOf('\n') >>> 0, 80, text.length) }, config, {});
    return { file: { text, statements: [], lineComments: [] }, findings: finding ? [finding] : [] };
  }
  const file = parseFile(text, options.cache);
  if (options.invalidUtf8At !== undefined) {
    const at = options.invalidUtf8At;
    const finding = builtinFinding('unreadable-file', 'invalidUtf8', { start: at, end: Math.min(at + 1, text.length) }, config, {});
    if (finding) findings.push(finding);
  }
  const directives = readDirectives(file.lineComments);
  const suppressions = new Suppressions(directives, file.statements);
  for (const d of directives) {
    d.rules.forEach((id, i) => {
      if (RULES_BY_ID.has(id)) return;
      const f = builtinFinding('invalid-directive', 'unknownRule', d.ruleRanges[i], config, { rule: id });
      if (f) findings.push(f);
    });
    if (d.rules.length === 0) {
      const f = builtinFinding('invalid-directive', 'noRules', d.range, config, {});
      if (f) findings.push(f);
    }
  }

  const schema = options.schema ?? new SchemaModel();
  // Objects this file changes record the migration it is (or none, for a file linted on its own).
  schema.migration = options.migration ? { path: options.migration.path, version: options.migration.version } : undefined;
  const session = new SessionState(options.runsInTransaction ?? config.assumeInTransaction, {
    lock_timeout: config.lockTimeout,
    statement_timeout: config.statementTimeout,
  });
  const { dispatch, anyVisitors, endVisitors } = instantiateRules(config, schema, session, file, findings, suppressions, options);

  for (const stmt of file.statements) {
    if (stmt.kind === SYNTAX_ERROR || (stmt.kind === COPY_DATA && stmt.error)) {
      const at = stmt.error?.offset ?? stmt.range.start;
      const range = stmt.kind === SYNTAX_ERROR ? errorRange(stmt, at, text) : { start: at, end: stmt.range.end };
      const f = builtinFinding('syntax-error', 'syntaxError', range, config, { message: stmt.error?.message ?? 'syntax error' });
      if (f && !suppressions.isSuppressed('syntax-error', stmt.index)) findings.push(f);
      continue;
    }
    // Visitors are called straight from here, each in its own try, rather than through a wrapper
    // closure apiece: a 5,000-statement file makes some 160,000 of these calls.
    const byKind = dispatch.get(stmt.kind);
    if (byKind) {
      const node = (stmt.node as Record<string, unknown>)[stmt.kind];
      for (const visitor of byKind) {
        try {
          visitor.visit(node, stmt);
        } catch (error) {
          reportRuleFailure(visitor.rule, stmt, error, findings);
        }
      }
    }
    for (const visitor of anyVisitors) {
      try {
        visitor.visit(stmt);
      } catch (error) {
        reportRuleFailure(visitor.rule, stmt, error, findings);
      }
    }
    schema.apply(stmt, 'current-file');
    session.apply(stmt);
  }
  for (const visit of endVisitors) visit();
  findings.sort(compareFindings);
  return { file, findings };
}

export function ruleSeverity(rule: Rule, config: ResolvedConfig): Severity | 'off' {
  return config.rules[rule.id] ?? rule.meta.severity;
}

interface KindVisitor {
  rule: string;
  /** Called with the statement's node of the visited kind (e.g. its AlterTableStmt). */
  visit: (node: unknown, stmt: Statement) => void;
}

interface AnyVisitor {
  rule: string;
  visit: (stmt: Statement) => void;
}

/** A rule bug must never take the file's other findings (or the language server) down with it. */
function reportRuleFailure(rule: string, stmt: Statement, error: unknown, findings: Finding[]): void {
  findings.push({
    rule,
    severity: 'info',
    range: { start: stmt.range.start, end: firstLineEnd(stmt) },
    message: `Rule ${rule} could not check this statement: ${(error as Error).message}`,
    messageId: 'internalError',
  });
}

function instantiateRules(
  config: ResolvedConfig,
  schema: SchemaModel,
  session: SessionState,
  file: ParsedFile,
  findings: Finding[],
  suppressions: Suppressions,
  options: LintOptions = {},
) {
  const dispatch = new Map<string, KindVisitor[]>();
  const anyVisitors: AnyVisitor[] = [];
  const endVisitors: (() => void)[] = [];
  const { major, minor } = config.serverVersion;
  for (const rule of ALL_RULES) {
    const severity = ruleSeverity(rule, config);
    if (severity === 'off') continue;
    const ctx: RuleContext = {
      file,
      config,
      serverVersion: config.serverVersion,
      schema,
      transaction: session.transaction,
      atLeast: (m, n = 0) => major > m || (major === m && minor >= n),
      isNewTable: (relation) => {
        if (!relation) return false;
        const key = typeof relation === 'string' ? relation : relationKey(relation);
        return schema.isNewTable(key);
      },
      inTransaction: () => session.inTransaction(),
      setting: (name) => session.setting(name),
      migration: options.migration,
      history: options.history,
      report: ({ stmt, range, messageId, data, fixes }) => {
        // A finding about the whole file (no statement) is suppressed only file-wide.
        if (suppressions.isSuppressed(rule.id, stmt ? stmt.index : -1)) return;
        const template = rule.meta.messages[messageId];
        if (template === undefined) throw new Error(`rule ${rule.id} has no message "${messageId}"`);
        findings.push({
          rule: rule.id,
          severity,
          range: range ?? (stmt ? { start: stmt.range.start, end: firstLineEnd(stmt) } : firstLineOf(file.text)),
          message: formatTemplate(template, data),
          help: formatTemplate(rule.meta.help, data),
          messageId,
          ...(fixes && fixes.length ? { fixes } : {}),
        });
      },
    };
    const visitors: Visitors = rule.check(ctx);
    for (const [kind, fn] of Object.entries(visitors)) {
      if (typeof fn !== 'function') continue;
      if (kind === 'any') anyVisitors.push({ rule: rule.id, visit: fn as AnyVisitor['visit'] });
      else if (kind === 'end') endVisitors.push(fn as () => void);
      else {
        let list = dispatch.get(kind);
        if (!list) dispatch.set(kind, (list = []));
        list.push({ rule: rule.id, visit: fn as KindVisitor['visit'] });
      }
    }
  }
  return { dispatch, anyVisitors, endVisitors };
}

function firstLineOf(text: string): TextRange {
  const eol = text.indexOf('\n');
  return { start: 0, end: eol < 0 ? text.length : text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol };
}

function firstLineEnd(stmt: Statement): number {
  const eol = stmt.text.indexOf('\n');
  return eol < 0 ? stmt.range.end : stmt.range.start + eol;
}

function errorRange(stmt: Statement, at: number, text: string): TextRange {
  // "syntax error at or near ";"": the statement's range stops before its semicolon, so mark it here.
  if (at >= stmt.range.end && text.charCodeAt(at) === 59) return { start: at, end: at + 1 };
  const tokens = stmt.tokens();
  const token = tokens.find((t) => t.end > at) ?? tokens[tokens.length - 1];
  const start = token ? token.start : at;
  const end = token ? token.end : stmt.range.end;
  // An unterminated quote or comment runs to the end of the file: mark only its first line.
  const eol = text.indexOf('\n', start);
  return { start, end: eol >= 0 && eol < end ? eol : end };
}

function builtinFinding(
  id: string,
  messageId: string,
  range: TextRange,
  config: ResolvedConfig,
  data: Record<string, string>,
): Finding | undefined {
  const rule = RULES_BY_ID.get(id);
  if (!rule) throw new Error(`unknown built-in rule ${id}`);
  const severity = ruleSeverity(rule, config);
  if (severity === 'off') return undefined;
  return { rule: id, severity, range, message: formatTemplate(rule.meta.messages[messageId], data), help: formatTemplate(rule.meta.help, data), messageId };
}
