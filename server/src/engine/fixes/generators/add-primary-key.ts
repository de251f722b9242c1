/**
 * ADD PRIMARY KEY builds its unique index under ACCESS EXCLUSIVE and first scans the table to make
 * nullable key columns NOT NULL. Instead: prove each nullable column with a CHECK (c IS NOT NULL) added
 * NOT VALID, validate it without blocking and SET NOT NULL without a scan (the set-not-null recipe),
 * build the unique index CONCURRENTLY, then attach it with ADD CONSTRAINT … PRIMARY KEY USING INDEX.
 */
import type { Constraint, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel, stringList } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import { notNullProof } from '../../rules/helpers/not-null-proof';
import type { SchemaModel, TableModel } from '../../schema/model';
import type { DraftPhase, Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';
import type { MigrationStep, PlanContext } from '../types';

/** Steps and phases being put together; each phase points at the step pushed with it. */
export interface DraftSteps {
  steps: MigrationStep[];
  phases: DraftPhase[];
}

export function pushStep(draft: DraftSteps, step: MigrationStep, phase: Omit<DraftPhase, 'step'>): void {
  draft.phases.push({ ...phase, step: draft.steps.push(step) - 1 });
}

/** A CHECK (c IS NOT NULL) that proves a key column before SET NOT NULL. */
export interface NotNullProof {
  column: string;
  check: string;
  /** A NOT VALID CHECK that is already there: validated, but neither added nor dropped here. */
  existing: boolean;
}

export const atLeast12 = (ctx: PlanContext) => !ctx.config || ctx.config.serverVersion.major >= 12;

/** True when a constraint or index of that name is on the table, or an index of that name is in its schema. */
export function nameTaken(schema: SchemaModel, relation: RangeVar, table: TableModel | undefined, name: string): boolean {
  if (table?.constraints.some((c) => c.name === name) || table?.indexes.some((i) => i.name === name)) return true;
  return schema.indexTables.has(`${relation.schemaname ?? 'public'}.${name}`);
}

/**
 * The proofs the key columns need: none for a column that is NOT NULL (or proven by a validated CHECK
 * on 12+), its NOT VALID CHECK if it has one, otherwise a new `<table>_<column>_not_null` CHECK. A
 * column the model does not know gets a CHECK too: harmless if it is NOT NULL already. Undefined when
 * a new CHECK's name is taken.
 */
export function notNullProofs(ctx: PlanContext, schema: SchemaModel, relation: RangeVar, columns: string[]): NotNullProof[] | undefined {
  const table = schema.table(relationKey(relation));
  const proofs: NotNullProof[] = [];
  for (const column of columns) {
    const { proof, constraint } = notNullProof(table, column, atLeast12(ctx));
    if (proof === 'already' || proof === 'validated-check') continue;
    if (proof === 'unvalidated-check' && constraint?.name) {
      proofs.push({ column, check: constraint.name, existing: true });
      continue;
    }
    const check = generatedName(relation.relname!, column, 'not_null');
    if (nameTaken(schema, relation, table, check)) return undefined;
    proofs.push({ column, check, existing: false });
  }
  return proofs;
}

/** `ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID, …` for the proofs to add. */
export function addChecksSql(relation: RangeVar, proofs: NotNullProof[]): string {
  const adds = proofs.filter((p) => !p.existing).map((p) => `ADD CONSTRAINT ${quoteIdent(p.check)} CHECK (${quoteIdent(p.column)} IS NOT NULL) NOT VALID`);
  return `ALTER TABLE ${relationSql(relation)} ${adds.join(', ')}`;
}

export function addChecksPhase(relation: RangeVar, proofs: NotNullProof[]): Omit<DraftPhase, 'step'> {
  const table = relationLabel(relation);
  const added = proofs.filter((p) => !p.existing);
  const columns = added.map((p) => p.column).join(', ');
  return {
    name: 'constrain',
    summary: `ADD CONSTRAINT ${added.map((p) => p.check).join(', ')} CHECK (… IS NOT NULL) NOT VALID: new rows must have ${columns} from now on.`,
    deployBefore: `the application writes ${columns} on every insert and update`,
    lock: `${describeLock('AccessExclusiveLock', table)}, for a moment: no rows are checked`,
  };
}

/**
 * VALIDATE the CHECKs (no blocking), then SET NOT NULL, which they prove, so that it skips the scan,
 * then drop the CHECKs added for it. The DROP stays a statement of its own: in the same ALTER as SET
 * NOT NULL, PostgreSQL would drop the CHECK first and scan.
 */
export function pushValidateAndSetNotNull(draft: DraftSteps, relation: RangeVar, proofs: NotNullProof[]): void {
  const rel = relationSql(relation);
  const table = relationLabel(relation);
  const columns = proofs.map((p) => p.column);
  const added = proofs.filter((p) => !p.existing);
  pushStep(
    draft,
    {
      name: `set ${relation.relname} ${columns.join(' ')} not null`,
      up: [
        ...proofs.map((p) => `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${quoteIdent(p.check)};`),
        `ALTER TABLE ${rel} ${columns.map((c) => `ALTER COLUMN ${quoteIdent(c)} SET NOT NULL`).join(', ')};`,
        ...(added.length ? [`ALTER TABLE ${rel} ${added.map((p) => `DROP CONSTRAINT ${quoteIdent(p.check)}`).join(', ')};`] : []),
      ].join('\n'),
      down: `ALTER TABLE ${rel} ${columns.map((c) => `ALTER COLUMN ${quoteIdent(c)} DROP NOT NULL`).join(', ')};`,
      nonTransactional: false,
    },
    {
      name: 'validate',
      summary: `VALIDATE ${proofs.map((p) => p.check).join(', ')} while reads and writes go on, then SET NOT NULL on ${columns.join(', ')} (no scan: the CHECK proves it)${added.length ? ', then drop the CHECK' : ''}.`,
      deployBefore: `existing rows with ${columns.map((c) => `${c} IS NULL`).join(' or ')} are backfilled, or VALIDATE fails`,
      lock: `${describeLock('ShareUpdateExclusiveLock', table)} while validating; then ${describeLock('AccessExclusiveLock', table)}, for a moment`,
    },
  );
}

export interface IndexConstraint {
  relation: RangeVar;
  /** The constraint's name, also the index's. */
  name: string;
  columns: string[];
  kind: 'UNIQUE' | 'PRIMARY KEY';
}

/** CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ADD CONSTRAINT … USING INDEX. */
export function pushIndexThenAttach(draft: DraftSteps, c: IndexConstraint): void {
  const rel = relationSql(c.relation);
  const table = relationLabel(c.relation);
  const name = quoteIdent(c.name);
  pushStep(
    draft,
    {
      name: `create unique index ${c.name} concurrently`,
      up: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${rel} (${c.columns.map(quoteIdent).join(', ')});`,
      down: `DROP INDEX CONCURRENTLY IF EXISTS ${siblingSql(c.relation, c.name)};`,
      nonTransactional: true,
    },
    { name: 'build', summary: `CREATE UNIQUE INDEX CONCURRENTLY ${c.name} while reads and writes go on.`, lock: describeLock('ShareUpdateExclusiveLock', table) },
  );
  const what = c.kind === 'PRIMARY KEY' ? 'primary key' : 'unique constraint';
  pushStep(
    draft,
    {
      name: `add ${what} ${c.name}`,
      up: `ALTER TABLE ${rel} ADD CONSTRAINT ${name} ${c.kind} USING INDEX ${name};`,
      down: `ALTER TABLE ${rel} DROP CONSTRAINT ${name};`,
      nonTransactional: false,
    },
    {
      name: 'constrain',
      summary:
        `ADD CONSTRAINT ${c.name} ${c.kind} USING INDEX: the index becomes the ${what}, no build` +
        (c.kind === 'PRIMARY KEY' ? ' and no scan (the key columns are NOT NULL already).' : '.'),
      lock: `${describeLock('AccessExclusiveLock', table)}, for a moment`,
    },
  );
}

export const CONCURRENT_BUILD_NOTE = 'If the concurrent build fails (duplicates exist) it leaves an INVALID index: remove the duplicates, drop the index, run it again.';

export const addPrimaryKey: Generator = {
  rule: 'add-primary-key',
  draft({ stmt, finding, text, statements, ctx }) {
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const constraint = found?.cmd.subtype === 'AT_AddConstraint' ? (found.cmd.def as { Constraint?: Constraint } | undefined)?.Constraint : undefined;
    const relation = alter?.relation;
    // USING INDEX needs only the not-null part; other subcommands would have to be split out too.
    if (!relation?.relname || !found || found.count > 1 || constraint?.contype !== 'CONSTR_PRIMARY' || constraint.indexname) return null;
    // Options the index and USING INDEX would have to carry over are left to a person.
    if (constraint.deferrable || constraint.initdeferred || constraint.including?.length || constraint.options?.length || constraint.indexspace) return null;
    const columns = stringList(constraint.keys);
    if (!columns.length) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const table = schema.table(relationKey(relation));
    // CONCURRENTLY is not possible on a partitioned table; a second primary key fails anyway.
    if (table?.partitioned || table?.constraints.some((c) => c.kind === 'primary-key')) return null;
    const name = constraint.conname ?? generatedName(relation.relname, 'pkey');
    if (nameTaken(schema, relation, table, name)) return null;
    const proofs = notNullProofs(ctx, schema, relation, columns);
    // Before 12 the validated CHECK does not spare the scan: the not-null part would not help.
    if (!proofs || (proofs.length && !atLeast12(ctx))) return null;

    const draft: DraftSteps = { steps: [], phases: [] };
    const added = proofs.filter((p) => !p.existing);
    if (added.length) draft.phases.push({ ...addChecksPhase(relation, proofs), step: 'current' });
    if (proofs.length) pushValidateAndSetNotNull(draft, relation, proofs);
    pushIndexThenAttach(draft, { relation, name, columns, kind: 'PRIMARY KEY' });
    const nullable = proofs.map((p) => p.column);
    return {
      title: nullable.length
        ? `Make ${nullable.join(', ')} NOT NULL without a scan, build ${name} concurrently, then attach it with ADD CONSTRAINT … PRIMARY KEY USING INDEX`
        : `Build the unique index ${name} concurrently, then attach it with ADD CONSTRAINT … PRIMARY KEY USING INDEX`,
      edits: [added.length ? { range: stmt.range, newText: addChecksSql(relation, proofs) } : removeStatement(text, stmt)],
      steps: draft.steps,
      phases: draft.phases,
      notes: [CONCURRENT_BUILD_NOTE],
    };
  },
};
