/**
 * Findings → LSP diagnostics. The code is the rule id and links to the rule's page; the message ends
 * with the safe alternative, so the Problems panel alone tells a person what to do.
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Position, type TextEdit } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../../engine/index';
import type { RuleDocs } from '../rule-docs';

export const DIAGNOSTIC_SOURCE = 'safe-migrations';

/** Codes of the server's own notes (not rules): they have no rule page. */
export const NOTE_CODES = {
  invalidConfig: 'invalid-config',
  invalidSettings: 'invalid-settings',
  largeFile: 'large-file',
  internalError: 'internal-error',
} as const;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface PositionSource {
  positionAt(offset: number): Position;
}

/** `version` is the document version linted: fixes carry it in the diagnostic's data. */
export function findingToDiagnostic(finding: Finding, doc: PositionSource, docs: RuleDocs, version = 0): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: doc.positionAt(finding.range.start), end: doc.positionAt(finding.range.end) },
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    source: DIAGNOSTIC_SOURCE,
    message: finding.help ? `${finding.message}\n${finding.help}` : finding.message,
  };
  const href = docs.uri(finding.rule);
  if (href) diagnostic.codeDescription = { href };
  const data = fixData(finding, version, doc);
  if (data) diagnostic.data = data;
  return diagnostic;
}

/** A note about the whole document (configuration, size), shown on its first line. */
export function documentNote(
  code: (typeof NOTE_CODES)[keyof typeof NOTE_CODES],
  severity: Severity,
  message: string,
  firstLineLength: number,
  linkTo?: string,
): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLineLength } },
    severity: SEVERITY[severity],
    code,
    source: DIAGNOSTIC_SOURCE,
    message,
  };
  if (linkTo) diagnostic.codeDescription = { href: pathToFileURL(linkTo).href };
  return diagnostic;
}

/** A finding's fixes, as its diagnostic's `data`: edits in LSP ranges of the version they were made for. */
export interface FixData {
  version: number;
  fixes: { title: string; kind: 'autofix' | 'suggestion'; edits: TextEdit[] }[];
}

/** The `data` of a finding's diagnostic, or undefined when it has no fix. */
export function fixData(finding: Finding, version: number, doc: PositionSource): FixData | undefined {
  if (!finding.fixes?.length) return undefined;
  return {
    version,
    fixes: finding.fixes.map((fix) => ({
      title: fix.title,
      kind: fix.kind,
      edits: fix.edits.map((e) => ({ range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) }, newText: e.newText })),
    })),
  };
}
