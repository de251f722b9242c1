/**
 * The information-level `unhandled-ddl` note of a migration of a history: the statements the schema
 * model did not follow, so that a person knows which later verdicts were made without them. One note
 * per migration, on the first line of its file (the counts are per kind, not per statement).
 */
import type { ResolvedConfig } from '../config';
import { ruleSeverity } from '../lint';
import { formatTemplate } from '../rules/define';
import { RULES_BY_ID } from '../rules/index';
import { readDirectives, Suppressions } from '../suppressions';
import type { Finding } from '../types';
import type { MigrationLint } from './history-index';

export const UNHANDLED_DDL = 'unhandled-ddl';

/** The note for one linted migration, or undefined when the model followed all of it (or the rule is off or suppressed). */
export function unhandledNote(linted: MigrationLint, config: ResolvedConfig): Finding | undefined {
  const unhandled = linted.unhandled;
  if (!unhandled || unhandled.size === 0) return undefined;
  const rule = RULES_BY_ID.get(UNHANDLED_DDL);
  if (!rule) throw new Error(`unknown built-in rule ${UNHANDLED_DDL}`);
  const severity = ruleSeverity(rule, config);
  if (severity === 'off') return undefined;
  const file = linted.result.file;
  // `-- safe-migrations-ignore-file unhandled-ddl` silences it like any finding about the whole file.
  if (new Suppressions(readDirectives(file.lineComments), file.statements).isSuppressed(UNHANDLED_DDL, -1)) return undefined;
  const total = [...unhandled.values()].reduce((n, c) => n + c, 0);
  const kinds = [...unhandled].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
  const data = { count: total === 1 ? '1 statement' : `${total} statements`, kinds, them: total === 1 ? 'it' : 'they' };
  return {
    rule: UNHANDLED_DDL,
    severity,
    range: firstLine(file.text, linted.migration.sections[0]?.start ?? 0),
    message: formatTemplate(rule.meta.messages.unhandled, data),
    help: formatTemplate(rule.meta.help, data),
    messageId: 'unhandled',
  };
}

/** The line a migration starts on (its first section: a Liquibase changeset, a dbmate up block). */
function firstLine(text: string, start: number): { start: number; end: number } {
  const eol = text.indexOf('\n', start);
  const end = eol < 0 ? text.length : text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  return { start, end: Math.max(start, end) };
}
