/**
 * Lints migration files from disk with the engine and gives each finding its 1-based line and column
 * (UTF-16 columns, end column exclusive), the positions every report format prints.
 */
import {
  LineIndex,
  lint,
  ruleSeverity,
  RULES_BY_ID,
  type Finding,
  type ResolvedConfig,
} from '../engine/index';
import { formatTemplate } from '../engine/rules/define';
import type { InputFile } from './inputs';
import { formatBytes, MAX_MIGRATION_BYTES, readMigration } from './read-migration';

export interface LocatedFinding extends Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FileResult {
  /** The file as reports name it. */
  file: string;
  findings: LocatedFinding[];
  config: ResolvedConfig;
}

export interface LintFilesOptions {
  maxBytes?: number;
}

/** Lints one file on its own. The parser must be loaded. Throws the file system's error when unreadable. */
export function lintFile(input: InputFile, config: ResolvedConfig, options: LintFilesOptions = {}): FileResult {
  const maxBytes = options.maxBytes ?? MAX_MIGRATION_BYTES;
  const source = readMigration(input.path, maxBytes);
  if (source.kind === 'too-large') {
    const finding = fileFinding('unreadable-file', 'tooLarge', config, { size: formatBytes(source.bytes), limit: formatBytes(maxBytes) });
    return { file: input.display, findings: finding ? [finding] : [], config };
  }
  const { findings } = lint(source.text, { config, invalidUtf8At: source.invalidUtf8At });
  return { file: input.display, findings: locate(source.text, findings), config };
}

export function locate(text: string, findings: Finding[]): LocatedFinding[] {
  if (findings.length === 0) return [];
  const lines = new LineIndex(text);
  return findings.map((f) => {
    const start = lines.position(f.range.start);
    const end = lines.position(f.range.end);
    return { ...f, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  });
}

/** A finding about the whole file (placed at its start), with the rule's configured severity. */
function fileFinding(ruleId: string, messageId: string, config: ResolvedConfig, data: Record<string, string>): LocatedFinding | undefined {
  const rule = RULES_BY_ID.get(ruleId);
  if (!rule) throw new Error(`unknown built-in rule ${ruleId}`);
  const severity = ruleSeverity(rule, config);
  if (severity === 'off') return undefined;
  return {
    rule: ruleId,
    severity,
    range: { start: 0, end: 0 },
    message: formatTemplate(rule.meta.messages[messageId], data),
    help: formatTemplate(rule.meta.help, data),
    messageId,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
  };
}
