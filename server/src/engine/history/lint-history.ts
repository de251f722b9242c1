/**
 * Lints a whole history in the framework's order, carrying the schema model from each migration to
 * the next: a table created three migrations ago is an existing table now, and a CHECK validated two
 * migrations ago is known when SET NOT NULL comes.
 */
import type { ResolvedConfig } from '../config';
import type { ParseCache } from '../dialects/postgres/statement';
import { lint, type LintResult } from '../lint';
import { SchemaModel } from '../schema/model';
import type { History, Migration, MigrationSource } from './types';

export interface MigrationLint {
  migration: Migration;
  result: LintResult;
}

/**
 * Text of the migration with everything outside its sections blanked (newlines kept), so that
 * offsets, lines and columns stay those of the file.
 */
export function sectionText(text: string, migration: Migration): string {
  const whole = migration.sections.length === 1 && migration.sections[0].start === 0 && migration.sections[0].end === text.length;
  if (whole) return text;
  const parts: string[] = [];
  let at = 0;
  for (const s of migration.sections) {
    parts.push(text.slice(at, s.start).replace(/[^\n]/g, ' '), text.slice(s.start, s.end));
    at = s.end;
  }
  parts.push(text.slice(at).replace(/[^\n]/g, ' '));
  return parts.join('');
}

export function lintHistory(
  history: History,
  source: MigrationSource,
  config: ResolvedConfig,
  options: { cache?: ParseCache; only?: (m: Migration) => boolean } = {},
): MigrationLint[] {
  const schema = new SchemaModel();
  const out: MigrationLint[] = [];
  for (const migration of history.migrations) {
    const text = source.read(migration.path);
    if (text === undefined) continue;
    const result = lint(sectionText(text, migration), {
      config,
      cache: options.cache,
      schema,
      // The framework decides; only for plain files does the configuration say how the runner works.
      runsInTransaction: migration.transaction === 'none' ? history.framework === 'plain' && config.assumeInTransaction : true,
    });
    if (!options.only || options.only(migration)) out.push({ migration, result });
    schema.settleFile();
  }
  return out;
}
