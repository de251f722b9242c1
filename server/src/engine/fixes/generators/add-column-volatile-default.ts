/**
 * ADD COLUMN … DEFAULT <volatile> computes the default for every row: a rewrite of the table and its
 * indexes under ACCESS EXCLUSIVE. Instead:
 * - this migration adds the column without a default and sets the default in the same ALTER: existing
 *   rows stay NULL, new rows get the default, nothing is rewritten;
 * - the next one (outside a transaction) fills the existing rows in committed batches;
 * - NOT NULL, PRIMARY KEY or UNIQUE in the definition come back through their own safe recipes.
 */
import type { ConstrType } from '@pgsql/types';
import { relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { addedColumnAt, addFillAndFinish, backfillSql, bareAddColumn, constraintOf, declaresNotNull, DraftSteps, hasDollarQuote, targetTable, textOf, tokensAfter } from '../recipes/add-column';
import { quoteIdent, relationSql } from '../sql';

const CARRIED_OVER = new Set<ConstrType>(['CONSTR_DEFAULT', 'CONSTR_NOTNULL', 'CONSTR_NULL', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE']);

export const addColumnVolatileDefault: Generator = {
  rule: 'add-column-volatile-default',
  draft(input) {
    const { stmt, finding, ctx } = input;
    const added = addedColumnAt(stmt, finding.range, CARRIED_OVER);
    const fromDefault = added && constraintOf(added, 'CONSTR_DEFAULT');
    // The tokens after the DEFAULT keyword are the expression, as written.
    const exprTokens = fromDefault && tokensAfter(fromDefault.tokens, 'DEFAULT');
    if (!added || !exprTokens) return null;
    const expr = textOf(stmt, exprTokens);
    const notNull = declaresNotNull(added);
    const target = targetTable(input, added, notNull);
    if (!target || hasDollarQuote(expr)) return null;

    const label = relationLabel(added.relation);
    const rel = relationSql(added.relation);
    const col = quoteIdent(added.column);
    const backfill = backfillSql(ctx, target, rel, { set: `${col} = ${expr}`, pending: `${col} IS NULL`, what: `Fills ${added.column} in the existing rows` });
    if (!backfill) return null;

    const draft = new DraftSteps();
    draft.phases.push({
      name: 'expand',
      step: 'current',
      summary: `Add ${added.column} without a default and SET DEFAULT ${expr} in the same ALTER: new rows get it, existing rows stay NULL, nothing is rewritten.`,
      lock: `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`,
    });
    const notes = addFillAndFinish(draft, { ctx, added, rel, label }, backfill, { summary: `Set ${added.column} = ${expr} in the existing rows`, notNull });
    return {
      title: `Add ${label}.${added.column} without rewriting the table: default for new rows now, existing rows backfilled in batches`,
      edits: [{ range: added.commandRange, newText: `${bareAddColumn(added)}, ALTER COLUMN ${col} SET DEFAULT ${expr}` }],
      steps: draft.steps,
      phases: draft.phases,
      notes: [
        `Existing rows get ${expr} evaluated when the backfill reaches them, not when the column is added (time-based defaults record the backfill's time).`,
        ...(notNull ? [`${added.column} stays nullable until the last step; rows the backfill has not reached yet read NULL.`] : []),
        ...notes,
      ],
    };
  },
};
