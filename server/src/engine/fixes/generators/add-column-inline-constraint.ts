/**
 * ADD COLUMN with an inline CHECK, REFERENCES, UNIQUE or PRIMARY KEY does the constraint's expensive
 * part under the ACCESS EXCLUSIVE lock of the ADD COLUMN. Instead: this migration adds the bare column
 * (a catalog change), and later migrations add the constraint by its own online recipe:
 *   CHECK       ADD CONSTRAINT … NOT VALID, then VALIDATE;
 *   REFERENCES  an index on the column CONCURRENTLY (so that the key is indexed from the start), ADD
 *               CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE;
 *   UNIQUE      CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX;
 *   PRIMARY KEY the not-null recipe on the new column first, then the same as UNIQUE.
 * One plan moves the constraint its finding is about; other inline constraints keep their findings.
 */
import type { ColumnDef, Constraint, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import { columnConstraints, defaultExpression, inlineConstraintRange, isSerialColumn } from '../../rules/helpers/alter-table-commands';
import { classifyDefault } from '../../rules/helpers/default-volatility';
import { hasIndexLeadingWith } from '../../rules/helpers/leading-index';
import type { SchemaModel } from '../../schema/model';
import type { TextEdit, TextRange } from '../../types';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, relationSql } from '../sql';
import type { PlanContext } from '../types';
import {
  addChecksPhase,
  addChecksSql,
  atLeast12,
  CONCURRENT_BUILD_NOTE,
  type DraftSteps,
  nameTaken,
  notNullProofs,
  pushIndexThenAttach,
  pushStep,
  pushValidateAndSetNotNull,
} from './add-primary-key';
import { freeIndexName, pushForeignKeyIndex, schemaAtEnd } from './fk-missing-index';

/** The inline constraints the rule reports, as they are written. */
const KIND_LABEL: Partial<Record<string, string>> = { CONSTR_CHECK: 'CHECK', CONSTR_FOREIGN: 'REFERENCES', CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY' };

/** PostgreSQL's name for the unnamed constraint (ChooseConstraintName): `<table>_<column>_check` … */
function constraintName(constraint: Constraint, table: string, column: string): string {
  if (constraint.conname) return constraint.conname;
  switch (constraint.contype) {
    case 'CONSTR_CHECK':
      return generatedName(table, column, 'check');
    case 'CONSTR_FOREIGN':
      return generatedName(table, column, 'fkey');
    case 'CONSTR_UNIQUE':
      return generatedName(table, column, 'key');
    default:
      return generatedName(table, 'pkey');
  }
}

/**
 * True when the bare column is itself safe to add: no value computed per row (volatile default,
 * serial, identity, stored generated; any default before 11) and no NOT NULL without a default, which
 * fails on a table with rows. Those have rules and recipes of their own.
 */
function bareColumnSafe(def: ColumnDef, ctx: PlanContext): boolean {
  const options = columnConstraints(def);
  if (isSerialColumn(def) || options.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) return false;
  const expr = defaultExpression(def);
  if (expr !== undefined) {
    if (ctx.config && ctx.config.serverVersion.major < 11) return false;
    const { kind } = classifyDefault(expr);
    if (kind === 'volatile' || kind === 'unknown') return false;
  } else if (options.some((c) => c.contype === 'CONSTR_NOTNULL')) return false;
  return true;
}

/** Options of the constraint that the table-level form or USING INDEX would have to carry over. */
function carriesOptions(def: ColumnDef, constraint: Constraint): boolean {
  // DEFERRABLE, INITIALLY …, [NOT] ENFORCED are separate nodes after the constraint they modify.
  if (columnConstraints(def).some((c) => c.contype?.startsWith('CONSTR_ATTR_'))) return true;
  return Boolean(constraint.nulls_not_distinct || constraint.options?.length || constraint.indexspace || constraint.including?.length);
}

/** The constraint's text from its keyword (CHECK, REFERENCES) on, without `CONSTRAINT name`. */
function clauseText(stmt: Statement, range: TextRange, keyword: string): string | undefined {
  const start = stmt.codeTokens().find((t) => t.start >= range.start && t.end <= range.end && t.text.toUpperCase() === keyword)?.start;
  return start === undefined ? undefined : stmt.text.slice(start - stmt.range.start, range.end - stmt.range.start);
}

/** Removes the constraint's text and the spaces before it, leaving the rest of the column definition. */
function removeClause(text: string, range: TextRange): TextEdit {
  let start = range.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { range: { start, end: range.end }, newText: '' };
}

/** The constraint being moved out of the column definition, under the name it will have. */
interface Target {
  relation: RangeVar;
  column: string;
  name: string;
  constraint: Constraint;
}

function pushCheck(draft: DraftSteps, t: Target, check: string): void {
  const rel = relationSql(t.relation);
  const table = relationLabel(t.relation);
  const name = quoteIdent(t.name);
  pushStep(
    draft,
    {
      name: `add check ${t.name} not valid`,
      up: `ALTER TABLE ${rel} ADD CONSTRAINT ${name} ${check} NOT VALID;`,
      down: `ALTER TABLE ${rel} DROP CONSTRAINT IF EXISTS ${name};`,
      nonTransactional: false,
    },
    {
      name: 'constrain',
      summary: `ADD CONSTRAINT ${t.name} CHECK … NOT VALID: new and updated rows are checked from now on.`,
      lock: `${describeLock('AccessExclusiveLock', table)}, for a moment: no rows are checked`,
    },
  );
  pushValidate(draft, t, describeLock('ShareUpdateExclusiveLock', table));
}

function pushValidate(draft: DraftSteps, t: Target, lock: string): void {
  pushStep(
    draft,
    { name: `validate ${t.name}`, up: `ALTER TABLE ${relationSql(t.relation)} VALIDATE CONSTRAINT ${quoteIdent(t.name)};`, nonTransactional: false },
    { name: 'validate', summary: `VALIDATE CONSTRAINT ${t.name} checks the existing rows while reads and writes go on.`, lock },
  );
}

function pushForeignKey(draft: DraftSteps, t: Target, references: string, index: string | undefined): void {
  const rel = relationSql(t.relation);
  const table = relationLabel(t.relation);
  const parent = relationLabel(t.constraint.pktable);
  const name = quoteIdent(t.name);
  if (index) pushForeignKeyIndex(draft, t.relation, [t.column], index, parent);
  pushStep(
    draft,
    {
      name: `add foreign key ${t.name} not valid`,
      up: `ALTER TABLE ${rel} ADD CONSTRAINT ${name} FOREIGN KEY (${quoteIdent(t.column)}) ${references} NOT VALID;`,
      down: `ALTER TABLE ${rel} DROP CONSTRAINT IF EXISTS ${name};`,
      nonTransactional: false,
    },
    {
      name: 'constrain',
      summary: `ADD CONSTRAINT ${t.name} FOREIGN KEY … NOT VALID: new and updated rows are checked from now on.`,
      lock: `${describeLock('ShareRowExclusiveLock', table)}, and the same on ${parent}, for a moment: no rows are checked`,
    },
  );
  pushValidate(draft, t, `${describeLock('ShareUpdateExclusiveLock', table)}; ${describeLock('RowShareLock', parent)}`);
}

/** The not-null recipe on the new column (unless it is NOT NULL already), then the unique index and USING INDEX. */
function pushPrimaryKey(draft: DraftSteps, t: Target, ctx: PlanContext, schema: SchemaModel, def: ColumnDef): boolean {
  const notNull = columnConstraints(def).some((c) => c.contype === 'CONSTR_NOTNULL');
  const proofs = notNull ? [] : notNullProofs(ctx, schema, t.relation, [t.column]);
  if (!proofs || (proofs.length && !atLeast12(ctx))) return false;
  if (proofs.length) {
    // The column is new: the application can only start writing it once this migration has run, so
    // the CHECK comes in a migration of its own after that release, not in this one.
    const check = proofs[0].check;
    pushStep(
      draft,
      {
        name: `add check ${check} not valid`,
        up: `${addChecksSql(t.relation, proofs)};`,
        down: `ALTER TABLE ${relationSql(t.relation)} DROP CONSTRAINT IF EXISTS ${quoteIdent(check)};`,
        nonTransactional: false,
      },
      addChecksPhase(t.relation, proofs),
    );
    pushValidateAndSetNotNull(draft, t.relation, proofs);
  }
  pushIndexThenAttach(draft, { relation: t.relation, name: t.name, columns: [t.column], kind: 'PRIMARY KEY' });
  return true;
}

export const addColumnInlineConstraint: Generator = {
  rule: 'add-column-inline-constraint',
  draft(input) {
    const { stmt, finding, text, statements, ctx } = input;
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const relation = alter?.relation;
    // Other subcommands of the same ALTER would have to be split out too: leave those to a person.
    if (!relation?.relname || !found || found.count > 1 || found.cmd.subtype !== 'AT_AddColumn') return null;
    const def = (found.cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
    if (!def?.colname || !bareColumnSafe(def, ctx)) return null;
    const constraint = columnConstraints(def).find((c) => KIND_LABEL[c.contype ?? ''] && stmt.offsetOf(c.location) === finding.range.start);
    if (!constraint || carriesOptions(def, constraint)) return null;
    const clause = inlineConstraintRange(stmt, def, constraint, found.range);
    const schema = schemaBefore(ctx, stmt, statements);
    const table = schema.table(relationKey(relation));
    const name = constraintName(constraint, relation.relname, def.colname);
    if (nameTaken(schema, relation, table, name)) return null;
    const t: Target = { relation, column: def.colname, name, constraint };
    const kind = KIND_LABEL[constraint.contype!]!;

    const draft: DraftSteps = { steps: [], phases: [] };
    switch (constraint.contype) {
      case 'CONSTR_CHECK': {
        const check = clauseText(stmt, clause, 'CHECK');
        if (!check) return null;
        pushCheck(draft, t, check);
        break;
      }
      case 'CONSTR_FOREIGN': {
        const references = clauseText(stmt, clause, 'REFERENCES');
        if (!references || table?.partitioned) return null;
        // An index created later in this migration serves the key already.
        const atEnd = schemaAtEnd(input);
        const indexed = atEnd.table(relationKey(relation));
        const index = indexed && hasIndexLeadingWith(indexed, [def.colname]) ? undefined : freeIndexName(atEnd, relation, indexed, [def.colname]);
        pushForeignKey(draft, t, references, index);
        break;
      }
      case 'CONSTR_UNIQUE':
        if (table?.partitioned) return null;
        pushIndexThenAttach(draft, { relation, name, columns: [def.colname], kind: 'UNIQUE' });
        break;
      case 'CONSTR_PRIMARY':
        // CONCURRENTLY is not possible on a partitioned table; a second primary key fails anyway.
        if (table?.partitioned || table?.constraints.some((c) => c.kind === 'primary-key')) return null;
        if (!pushPrimaryKey(draft, t, ctx, schema, def)) return null;
        break;
      default:
        return null;
    }
    const label = relationLabel(relation);
    return {
      title: `Add ${def.colname} without its ${kind}, then add ${name} by its online recipe in later migrations`,
      edits: [removeClause(text, clause)],
      steps: draft.steps,
      phases: [
        {
          name: 'expand',
          step: 'current',
          summary: `ADD COLUMN ${def.colname} without the ${kind}: a catalog change, no scan and no index build.`,
          lock: `${describeLock('AccessExclusiveLock', label)}, for a moment`,
        },
        ...draft.phases,
      ],
      notes: constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY' ? [CONCURRENT_BUILD_NOTE] : [],
    };
  },
};
