/**
 * The engine's public API: pure functions from text to findings. No I/O, no editor or protocol types.
 */
export { lint, ruleSeverity, type LintOptions, type LintResult } from './lint';
export { loadPostgresParser, isPostgresParserLoaded } from './dialects/postgres/parser';
export { ParseCache, parseFile, type ParsedFile, type Statement } from './dialects/postgres/statement';
export { ALL_RULES, RULES_BY_ID, RULE_IDS } from './rules/index';
export type { Rule, RuleMeta } from './rules/define';
export {
  CONFIG_FILE_NAME,
  ConfigError,
  isFrameworkId,
  parseConfigText,
  parseServerVersion,
  resolveConfig,
  validateConfig,
  type ProjectConfig,
  type ResolvedConfig,
  type RuleSetting,
} from './config';
export { LineIndex } from './lines';
export { decodeSource, type DecodedSource } from './source';
export { SchemaModel } from './schema/model';
export type * from './schema/objects';
export { columnDependents, type ColumnDependents } from './schema/dependents';
// Migration histories: framework layouts, replay, incremental re-lint, history rules' inputs.
export { detectFramework, loadHistory, UnknownFrameworkError } from './history/load';
export { lintDowns, lintHistory, sectionText, type HistoryLintOptions, type HistoryLintResult } from './history/lint-history';
export { HistoryIndex, type HistoryIndexOptions, type MigrationLint } from './history/history-index';
export { FRAMEWORK_IDS, type FrameworkId, type History, type Migration, type MigrationSource, type TransactionMode } from './history/types';
export type { AppliedMigrations, HistoryView } from './history/view';
export { flywayChecksum } from './history/checksum';
export { unhandledNote, UNHANDLED_DDL } from './history/unhandled-note';
export { compareVersions } from './history/version';
export * from './types';
export { compareFindings } from './finding-order';
// Multi-step safe rewrites (expand / backfill / contract), laid out per migration framework.
export { GENERATORS, PLANNED_RULES, planFor } from './fixes/plan';
export { layOutSteps, nextVersions, slugify } from './fixes/naming';
export type { FileEdits, MarkerFile, MigrationStep, NewMigrationFile, PhaseName, PlanContext, RewritePhase, RewritePlan } from './fixes/types';
