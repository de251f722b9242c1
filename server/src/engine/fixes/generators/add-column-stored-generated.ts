/**
 * ADD COLUMN … GENERATED ALWAYS AS (expr) STORED computes the expression for every existing row: a
 * rewrite of the table and its indexes under ACCESS EXCLUSIVE. Instead:
 * - a first migration adds a plain nullable column and a BEFORE INSERT OR UPDATE trigger that sets it
 *   from the same expression (over NEW), so every row written from then on has its value;
 * - the next one (outside a transaction) computes it for the existing rows in committed batches;
 * - NOT NULL, PRIMARY KEY or UNIQUE in the definition come back through their own safe recipes.
 * The expression is copied as written, with each column reference prefixed by NEW.; an expression
 * whose references cannot be matched to its tokens one for one is left to a person.
 */
import type { ConstrType, Node } from '@pgsql/types';
import { relationLabel, stringList, walk } from '../../dialects/postgres/ast';
import type { Token } from '../../dialects/postgres/parser';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { addedColumnAt, addFillAndFinish, backfillSql, bareAddColumn, constraintOf, declaresNotNull, DraftSteps, hasDollarQuote, serverMajor, targetTable, textOf } from '../recipes/add-column';
import { generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';

const CARRIED_OVER = new Set<ConstrType>(['CONSTR_GENERATED', 'CONSTR_NOTNULL', 'CONSTR_NULL', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE']);

/** The tokens inside the parentheses of `GENERATED ALWAYS AS ( … ) STORED`. */
function expressionTokens(tokens: Token[]): Token[] | undefined {
  const open = tokens.findIndex((t) => t.text === '(');
  let depth = 0;
  for (let i = open; open >= 0 && i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i > open + 1 ? tokens.slice(open + 1, i) : undefined;
  }
  return undefined;
}

/** The column an identifier token names, as PostgreSQL folds it; undefined for forms not worth decoding (U&"…"). */
function identifierName(token: Token): string | undefined {
  if (/^"(?:[^"]|"")+"$/.test(token.text)) return token.text.slice(1, -1).replace(/""/g, '"');
  if (/^[A-Za-z_\u0080-\uffff][A-Za-z_0-9$\u0080-\uffff]*$/.test(token.text)) return token.text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return undefined;
}

/**
 * The expression with every column reference read from NEW, for the trigger. In a generation
 * expression every column reference is a column of the table; each one's parse-tree location must be
 * an identifier token of the expression naming that column, or the rewrite gives up.
 */
export function overNew(stmt: Statement, expr: Node | undefined, tokens: Token[]): string | undefined {
  const references: Token[] = [];
  let unsure = !expr;
  walk({ expr }, (kind, payload) => {
    if (kind !== 'ColumnRef') return;
    const fields = (payload.fields as Node[] | undefined) ?? [];
    const names = stringList(fields);
    // `t.c`, `c.field`, `*`: not a bare column name.
    if (fields.length !== 1 || names.length !== 1) {
      unsure = true;
      return;
    }
    const at = stmt.offsetOf(payload.location as number | undefined);
    const token = tokens.find((t) => t.start === at);
    if (!token || identifierName(token) !== names[0]) unsure = true;
    else references.push(token);
  });
  if (unsure) return undefined;
  const base = tokens[0].start;
  let text = textOf(stmt, tokens);
  for (const token of [...references].sort((a, b) => b.start - a.start)) {
    const at = token.start - base;
    text = `${text.slice(0, at)}NEW.${text.slice(at)}`;
  }
  return text;
}

export const addColumnStoredGenerated: Generator = {
  rule: 'add-column-stored-generated',
  draft(input) {
    const { stmt, finding, text, ctx } = input;
    const added = addedColumnAt(stmt, finding.range, CARRIED_OVER);
    const generated = added && constraintOf(added, 'CONSTR_GENERATED');
    if (!added || !generated || generated.constraint.generated_kind === 'v') return null;
    const tokens = expressionTokens(generated.tokens);
    if (!tokens) return null;
    const expr = textOf(stmt, tokens);
    const fromNew = overNew(stmt, generated.constraint.raw_expr, tokens);
    const notNull = declaresNotNull(added);
    const target = targetTable(input, added, notNull);
    if (!fromNew || !target || hasDollarQuote(expr)) return null;

    const label = relationLabel(added.relation);
    const rel = relationSql(added.relation);
    const col = quoteIdent(added.column);
    const backfill = backfillSql(ctx, target, rel, { set: `${col} = (${expr})`, pending: `${col} IS DISTINCT FROM (${expr})`, what: `Computes ${added.column} for the existing rows` });
    if (!backfill) return null;

    const computeName = generatedName(added.relation.relname, 'compute', added.column);
    const fn = siblingSql(added.relation, computeName);
    const trigger = quoteIdent(computeName);
    const expand = [
      `ALTER TABLE ${rel} ${bareAddColumn(added)};`,
      '',
      `-- Sets ${added.column} from its former generation expression on every insert and update.`,
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
      'BEGIN',
      `  NEW.${col} := ${fromNew};`,
      '  RETURN NEW;',
      'END;',
      '$$;',
      '',
      `CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${rel}`,
      `  FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    ].join('\n');

    const draft = new DraftSteps();
    draft.add(
      {
        name: `add ${added.relation.relname} ${added.column}`,
        up: expand,
        down: `DROP TRIGGER IF EXISTS ${trigger} ON ${rel};\nDROP FUNCTION IF EXISTS ${fn}();\nALTER TABLE ${rel} DROP COLUMN IF EXISTS ${col};`,
        nonTransactional: false,
      },
      {
        name: 'expand',
        summary: `Add ${added.column} as a plain column and the trigger ${computeName} that sets it on every insert and update: nothing is rewritten.`,
        lock: `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`,
      },
    );
    const notes = addFillAndFinish(draft, { ctx, added, rel, label }, backfill, { summary: `Compute ${added.column} for the existing rows`, notNull });
    const major = serverMajor(ctx);
    return {
      title: `Add ${label}.${added.column} as a column kept by a trigger, computed for existing rows in batches, instead of a stored generated column`,
      edits: [removeStatement(text, stmt)],
      steps: draft.steps,
      phases: draft.phases,
      notes: [
        `${added.column} is no longer a generated column: it is a plain column that ${computeName} keeps equal to the expression. Writes to it are accepted and overwritten by the trigger, and it can be altered or dropped apart from the columns it is computed from.`,
        `BEFORE triggers fire in name order: one sorting after ${computeName} that changes the columns the expression reads leaves ${added.column} stale (a generated column is computed after every trigger).`,
        ...(major >= 18 ? [`On PostgreSQL ${major}, GENERATED ALWAYS AS (…) VIRTUAL needs no rewrite and no trigger: the value is computed when read.`] : []),
        ...notes,
      ],
    };
  },
};
