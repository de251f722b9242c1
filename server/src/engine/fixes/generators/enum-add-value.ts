/**
 * ALTER TYPE … ADD VALUE: from PostgreSQL 12 the new value cannot be used until the transaction that
 * added it commits; before 12 the ADD VALUE cannot run inside a transaction block at all.
 *
 * A plan can only add migrations after the current one, so the ADD VALUE cannot move to an earlier
 * migration. What must run after its commit moves out instead:
 * - PostgreSQL 12+: the ADD VALUE stays where it is (a transaction may run it) and every later
 *   statement that uses a value added earlier in the migration moves to a new, transactional
 *   migration, which runs after the current one has committed.
 * - Before 12: the ADD VALUE itself must run outside a transaction, so it moves to a migration of its
 *   own, alone in it (frameworks that send a file as one query run a lone statement outside a
 *   transaction block, several in an implicit one), and the statements using its value move to the
 *   migration after that. Everything else stays in the current migration: only what has to follow
 *   the ADD VALUE moves, and another ADD VALUE that has to move along gets its own migration too.
 * In both cases later statements that name what a moved statement touches (the table it updates, the
 * type) move with it, so that they keep running after it.
 */
import { stringList, walk } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import type { DraftPhase, Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import type { MigrationStep } from '../types';
import { groupSteps, itemOf, lineOfStatement, lockSummary, movedWith, phaseOf, refusesTransaction, removalEdits, serverVersionOf, stepName, stepSql, uniqueNames } from '../recipes/move-statements';

interface AddedValue {
  type: string;
  value: string;
}

function addedValue(stmt: Statement): AddedValue | undefined {
  const alter = stmt.as('AlterEnumStmt');
  if (!alter || alter.oldVal !== undefined || alter.newVal === undefined) return undefined;
  return { type: stringList(alter.typeName).join('.'), value: alter.newVal };
}

/** True when the statement has one of the values as a string constant (as the rule finds uses). */
function usesValue(stmt: Statement, values: Set<string>): boolean {
  let found = false;
  walk(stmt.node, (kind, payload) => {
    const text = kind === 'A_Const' ? (payload as { sval?: { sval?: string } }).sval?.sval : undefined;
    if (text !== undefined && values.has(text)) found = true;
  });
  return found;
}

/** An ADD VALUE and the statements that use the value share it: one that moves takes the others along. */
function valueKeys(stmt: Statement): string[] {
  const added = addedValue(stmt);
  if (added) return [`value:${added.value}`];
  const out: string[] = [];
  walk(stmt.node, (kind, payload) => {
    const text = kind === 'A_Const' ? (payload as { sval?: { sval?: string } }).sval?.sval : undefined;
    if (text !== undefined) out.push(`value:${text}`);
  });
  return out;
}

/** Statements after an ADD VALUE that use a value added before them in the migration. */
function usesOf(statements: Statement[], from: number, only?: string): number[] {
  const values = new Set<string>();
  const out: number[] = [];
  for (const s of statements) {
    if (s.index < from) continue;
    const added = addedValue(s);
    if (added) {
      if (only === undefined || added.value === only) values.add(added.value);
    } else if (values.size && usesValue(s, values)) out.push(s.index);
  }
  return out;
}

export const enumAddValue: Generator = {
  rule: 'enum-add-value',
  draft({ stmt, finding, text, statements, ctx }) {
    const version = serverVersionOf(ctx);
    const before12 = finding.messageId === 'inTransactionBefore12';
    // Before 12 the finding is on the ADD VALUE; from 12 on a use of a value added earlier.
    const add = before12 ? stmt : statements.slice(0, stmt.index).find((s) => addedValue(s) && usesOf(statements, s.index).includes(stmt.index));
    const added = add && addedValue(add);
    if (!add || !added) return null;
    // From 12 on every use of a value added earlier in the migration moves, so that none is left behind.
    const uses = before12 ? usesOf(statements, add.index, added.value) : usesOf(statements, 0);
    const moved = movedWith(statements, before12 ? [add.index, ...uses] : uses, [], valueKeys);
    if (moved.length === 0 || moved.some((i) => !statements[i].node)) return null;
    const refuses = (s: Statement) => refusesTransaction(s) || (before12 && addedValue(s) !== undefined);

    const schema = schemaBefore(ctx, statements[moved[0]], statements);
    const steps: MigrationStep[] = [];
    const phases: DraftPhase[] = [];
    const notes: string[] = [];
    if (!before12) {
      phases.push({
        name: 'expand',
        step: 'current',
        summary: `ALTER TYPE ${added.type} ADD VALUE '${added.value}' stays here; the value is usable once this migration commits.`,
        lock: 'no table lock',
      });
    }
    for (const group of groupSteps(statements, moved, refuses)) {
      const stmts = group.indexes.map((i) => statements[i]);
      const { sql, dropped } = stepSql(statements, stmts.map(itemOf), group.nonTransactional ? 'session' : 'transaction');
      const own = stmts.length === 1 ? addedValue(stmts[0]) : undefined;
      const usesHere = stmts.some((s) => uses.includes(s.index));
      const name = own ? `add ${own.type} value ${own.value}` : usesHere && !steps.some((s) => s.name.startsWith('use ')) ? `use ${added.type} ${added.value}` : stepName(stmts[0]);
      steps.push({ name, up: sql, nonTransactional: group.nonTransactional });
      phases.push(
        own && group.nonTransactional
          ? { name: 'expand', step: steps.length - 1, summary: `ALTER TYPE ${own.type} ADD VALUE '${own.value}' on its own, outside a transaction (PostgreSQL before 12 refuses it inside one).`, lock: 'no table lock' }
          : {
              name: phaseOf(stmts),
              step: steps.length - 1,
              summary: `${usesHere ? 'Uses of the new value, after it has committed' : 'Statements that followed in the original order'}: ${stmts.map((s) => s.text.split('\n')[0]).join('; ')}`,
              lock: lockSummary(stmts.map((s) => s.node), schema, version),
            },
      );
      if (dropped.length) notes.push(`Not repeated in ${name}, which runs outside a transaction: ${dropped.join('; ')}.`);
    }
    const dragged = moved.filter((i) => i !== add.index && !uses.includes(i)).map((i) => lineOfStatement(text, statements[i]));
    if (dragged.length) notes.push(`Line${dragged.length > 1 ? 's' : ''} ${dragged.join(', ')} of ${ctx.migration.path} moved too: ${dragged.length > 1 ? 'they name' : 'it names'} what the moved statements touch and ran after them.`);
    notes.push('PostgreSQL cannot drop an enum value: the value stays if the migrations are rolled back.');
    return {
      title: before12
        ? `Add '${added.value}' to ${added.type} in a migration of its own outside a transaction, and use it in the next one`
        : `Use '${added.value}' in the next migration, after the one that adds it to ${added.type} has committed`,
      edits: removalEdits(text, statements, moved),
      steps: uniqueNames(steps),
      phases,
      notes,
    };
  },
};
