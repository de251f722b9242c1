/**
 * Custom messages between the language server and the VS Code client (`safeMigrations/<name>`).
 * Plain method names and payload types, so that neither side depends on the other's protocol library.
 */
import type { RuleLevel } from './settings';

/** Request, client → server: every rule the server knows, for pickers and documentation. */
export const LIST_RULES_METHOD = 'safeMigrations/listRules';

export interface RuleInfo {
  id: string;
  category: string;
  defaultSeverity: RuleLevel;
  summary: string;
  /** file: URI of the rule's documentation page, when the page exists. */
  docUri?: string;
}

export type ListRulesResult = RuleInfo[];

/** Notification, server → client: what applies to a document, sent when it changes. */
export const DOCUMENT_STATUS_METHOD = 'safeMigrations/documentStatus';

export interface DocumentStatus {
  uri: string;
  /** Rules that are not turned off for this document. */
  activeRules: number;
  totalRules: number;
  /** e.g. "16" or "14.2". */
  postgresVersion: string;
  /** Path of the safe-migrations.config.json in force, if any. */
  configFile?: string;
  /** Problems with the configuration file or the settings (the document is linted without them). */
  problems: string[];
  /** Set when the file is too large to lint on every change: it is linted when opened and saved. */
  lintOnSaveOnly?: boolean;
}
