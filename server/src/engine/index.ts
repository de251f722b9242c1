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
export * from './types';
