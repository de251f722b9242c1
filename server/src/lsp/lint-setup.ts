/**
 * What applies to one lint of a document: the configuration (file, then editor settings), the notes
 * about it shown on the first line (invalid file or settings, lint-on-save for large files), and the
 * status the client shows in its status bar.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import { ALL_RULES, resolveConfig, ruleSeverity, type ResolvedConfig } from '../engine/index';
import type { DocumentStatus } from '../protocol/requests';
import { documentNote, NOTE_CODES } from './handlers/diagnostics';
import type { ProjectConfigOutcome } from './project-config';
import type { EditorLayer } from './settings';

/**
 * Above this many characters (about 1 MB of SQL, ~10,000 statements) a file is linted on open and on
 * save only: linting it takes seconds the first time and hundreds of milliseconds after each change,
 * too long to repeat while typing.
 */
export const ON_TYPE_CHAR_LIMIT = 1_000_000;

export interface LintSetup {
  config: ResolvedConfig;
  notes: Diagnostic[];
  status: DocumentStatus;
}

export function lintSetup(uri: string, text: string, settings: EditorLayer, project: ProjectConfigOutcome): LintSetup {
  const firstLineLength = firstLine(text);
  const notes: Diagnostic[] = [];
  const problems: string[] = [];
  if (project.error) {
    problems.push(project.error);
    notes.push(documentNote(NOTE_CODES.invalidConfig, 'warning', `${project.error}\nLinting with the editor settings and defaults until it is fixed.`, firstLineLength, project.path));
  }
  if (settings.problems.length > 0) {
    problems.push(...settings.problems);
    notes.push(documentNote(NOTE_CODES.invalidSettings, 'warning', `Ignored invalid settings:\n${settings.problems.join('\n')}`, firstLineLength));
  }
  const config = resolve(project.config, settings, problems);
  const lintOnSaveOnly = text.length > ON_TYPE_CHAR_LIMIT;
  if (lintOnSaveOnly) {
    const size = `${(text.length / 1_000_000).toFixed(1)} million characters`;
    notes.push(documentNote(NOTE_CODES.largeFile, 'info', `This file has ${size}: Safe Migrations lints it when it is opened or saved, not on every change.`, firstLineLength));
  }
  const status: DocumentStatus = {
    uri,
    activeRules: ALL_RULES.filter((r) => ruleSeverity(r, config) !== 'off').length,
    totalRules: ALL_RULES.length,
    postgresVersion: versionLabel(config),
    problems,
    ...(project.path && !project.error ? { configFile: project.path } : {}),
    ...(lintOnSaveOnly ? { lintOnSaveOnly } : {}),
  };
  return { config, notes, status };
}

function resolve(file: ProjectConfigOutcome['config'], settings: EditorLayer, problems: string[]): ResolvedConfig {
  try {
    return resolveConfig(file, settings.config);
  } catch (error) {
    // Both layers are validated already; this guards against a combination the engine still rejects.
    problems.push((error as Error).message);
    return resolveConfig();
  }
}

/** Length of the first line (without CR), where document notes are shown; capped for minified files. */
export function firstLine(text: string): number {
  const eol = text.indexOf('\n');
  const end = eol < 0 ? text.length : eol;
  return Math.min(end > 0 && text[end - 1] === '\r' ? end - 1 : end, 200);
}

function versionLabel(config: ResolvedConfig): string {
  const { major, minor } = config.serverVersion;
  return minor ? `${major}.${minor}` : String(major);
}
