/**
 * ADD COLUMN … serial / GENERATED … AS IDENTITY draws a sequence value for every existing row: a
 * rewrite of the table and its indexes under ACCESS EXCLUSIVE. Instead:
 * - this migration creates the sequence and adds a nullable column whose default is nextval() (set in
 *   the same ALTER, so existing rows stay NULL and nothing is rewritten), owned by the column;
 * - the next one (outside a transaction) numbers the existing rows in committed batches;
 * - then NOT NULL by a CHECK validated without blocking, and a PRIMARY KEY or UNIQUE through a unique
 *   index built concurrently.
 */
import type { ConstrType } from '@pgsql/types';
import { relationLabel, typeBaseName } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import { isSerialColumn } from '../../rules/helpers/alter-table-commands';
import type { Generator } from '../generator';
import { literal } from '../recipes/expand-contract';
import { addedColumnAt, addFillAndFinish, backfillSql, bareAddColumn, constraintOf, DraftSteps, targetTable } from '../recipes/add-column';
import { generatedName, quoteIdent, relationSql, siblingSql } from '../sql';

const CARRIED_OVER = new Set<ConstrType>(['CONSTR_IDENTITY', 'CONSTR_NOTNULL', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE']);
const IDENTITY_TYPES = new Set(['smallint', 'integer', 'bigint']);

export const addColumnSerial: Generator = {
  rule: 'add-column-serial',
  draft(input) {
    const { stmt, finding, ctx } = input;
    const added = addedColumnAt(stmt, finding.range, CARRIED_OVER);
    if (!added) return null;
    const identity = constraintOf(added, 'CONSTR_IDENTITY')?.constraint;
    const serial = isSerialColumn(added.def);
    // Sequence options (START WITH …) would have to be carried over: left to a person.
    if (serial === Boolean(identity) || identity?.options?.length) return null;
    // serial's integer runs out at 2^31: the new column is a bigint. An identity keeps its declared type.
    const type = identity ? added.typeText : 'bigint';
    const baseType = identity ? typeBaseName(added.def.typeName) : 'bigint';
    if (!IDENTITY_TYPES.has(baseType)) return null;
    const target = targetTable(input, added, true);
    const schemaName = added.relation.schemaname ?? 'public';
    const sequenceName = generatedName(added.relation.relname, added.column, 'seq');
    const sequenceKey = `${schemaName}.${sequenceName}`;
    // A relation of that name already exists: PostgreSQL would pick another name; so would a person.
    if (!target || target.schema.sequences.has(sequenceKey) || target.schema.tables.has(sequenceKey) || target.schema.indexTables.has(sequenceKey)) return null;

    const label = relationLabel(added.relation);
    const rel = relationSql(added.relation);
    const col = quoteIdent(added.column);
    const sequence = siblingSql(added.relation, sequenceName);
    const next = `nextval(${literal(sequence)})`;
    const backfill = backfillSql(ctx, target, rel, { set: `${col} = ${next}`, pending: `${col} IS NULL`, what: `Numbers the existing rows' ${added.column} from ${sequenceName}` });
    if (!backfill) return null;

    const ifNotExists = added.ifNotExists ? 'IF NOT EXISTS ' : '';
    const create = `CREATE SEQUENCE ${ifNotExists}${sequence}${baseType === 'bigint' ? '' : ` AS ${baseType}`};\n`;
    const add = `${bareAddColumn(added, type)}, ALTER COLUMN ${col} SET DEFAULT ${next}`;
    // Owned by the column, as serial's sequence is: dropping the column drops it.
    const own = `;\nALTER SEQUENCE ${sequence} OWNED BY ${rel}.${col}`;
    const edits =
      added.commandRange.end === stmt.range.end
        ? [{ range: { start: stmt.range.start, end: stmt.range.start }, newText: create }, { range: added.commandRange, newText: add + own }]
        : [
            { range: { start: stmt.range.start, end: stmt.range.start }, newText: create },
            { range: added.commandRange, newText: add },
            { range: { start: stmt.range.end, end: stmt.range.end }, newText: own },
          ];

    const draft = new DraftSteps();
    draft.phases.push({
      name: 'expand',
      step: 'current',
      summary: `Create ${sequenceName} and add ${added.column} as a nullable ${type} with DEFAULT ${next}: new rows are numbered, existing rows stay NULL, nothing is rewritten.`,
      lock: `${describeLock('AccessExclusiveLock', label)}, for a moment (no rewrite)`,
    });
    const notes = addFillAndFinish(draft, { ctx, added, rel, label }, backfill, { summary: `Number the existing rows from ${sequenceName}`, notNull: true });
    const kind = identity ? `GENERATED ${identity.generated_when === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY` : typeBaseName(added.def.typeName);
    return {
      title: `Add ${label}.${added.column} (${kind}) without rewriting the table: sequence default for new rows, existing rows numbered in batches`,
      edits,
      steps: draft.steps,
      phases: draft.phases,
      notes: [
        ...(identity
          ? [
              `ADD COLUMN … AS IDENTITY cannot be run without the rewrite, so the plan gives ${added.column} a sequence default instead of identity: explicit values are accepted${identity.generated_when === 'a' ? ' (GENERATED ALWAYS refused them)' : ''}. Once it is NOT NULL it can become an identity column without a rewrite: DROP DEFAULT, ADD GENERATED … AS IDENTITY (START WITH a value past max(${added.column})), then drop ${sequenceName}.`,
            ]
          : [`${added.column} is a bigint column with a sequence default, as bigserial makes it (serial's integer runs out at 2^31).`]),
        `Rows inserted while the plan runs are numbered at once; existing rows get the numbers after them, in the order the backfill reaches them.`,
        ...notes,
      ],
    };
  },
};
