/**
 * VALIDATE CONSTRAINT in the transaction of its ADD … NOT VALID → VALIDATE in the next migration, once
 * the ADD (and its strong lock) has committed: the validating scan then runs under SHARE UPDATE
 * EXCLUSIVE (and ROW SHARE on a foreign key's referenced table), so reads and writes go on.
 *
 * A statement that is only the VALIDATE moves whole; a VALIDATE that ends a longer ALTER TABLE
 * (`ADD CONSTRAINT c … NOT VALID, VALIDATE CONSTRAINT c`) is cut out of it and written as its own
 * ALTER TABLE. One in the middle of an ALTER gets no plan: the commands after it would have to move
 * too. Later statements that name the table (or a foreign key's referenced table) move after the
 * VALIDATE, in the same new migration, so that none of them runs before it any more (a DROP
 * CONSTRAINT, a SET NOT NULL relying on the validated CHECK).
 */
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import { alterCommandRanges } from '../../dialects/postgres/ranges';
import { parseFile, type Statement } from '../../dialects/postgres/statement';
import type { TextEdit } from '../../types';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { commandAt, quoteIdent, relationSql } from '../sql';
import { followingSteps, groupSteps, itemOf, lockSummary, type MovedItem, movedWith, refusesTransaction, removalEdits, serverVersionOf, stepSql } from '../recipes/move-statements';

export const validateSameTransaction: Generator = {
  rule: 'validate-same-transaction',
  draft(input) {
    const { stmt, finding, text, statements, ctx } = input;
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    if (!alter?.relation?.relname || !found || found.cmd.subtype !== 'AT_ValidateConstraint' || !found.cmd.name) return null;
    const name = found.cmd.name;
    // The schema with the statement applied: the ADD may be in the same ALTER, and its foreign key names the other table.
    const schema = schemaBefore(ctx, stmt, statements);
    schema.apply(stmt, 'current-file');
    const tableKey = relationKey(alter.relation);
    const referenced = schema.table(tableKey)?.constraints.find((c) => c.name === name)?.references;

    // The VALIDATE as a statement of its own, and how it leaves the current migration.
    let validate: MovedItem;
    let cut: TextEdit[] = [];
    let seed: number[];
    if (found.count === 1) {
      validate = itemOf(stmt);
      seed = [stmt.index];
    } else {
      const ranges = alterCommandRanges(stmt, alter.relation.location);
      const at = ranges.findIndex((r) => r.start === found.range.start);
      if (at !== ranges.length - 1) return null;
      const only = alter.relation.inh === true ? '' : 'ONLY ';
      validate = { at: stmt.index + 0.5, sql: `ALTER TABLE ${only}${relationSql(alter.relation)} VALIDATE CONSTRAINT ${quoteIdent(name)};` };
      cut = [{ range: { start: ranges[at - 1].end, end: found.range.end }, newText: '' }];
      seed = [];
    }
    const keys = [`rel:${tableKey}`, ...(referenced ? [`rel:${referenced}`] : [])];
    const along = movedWith(statements, [stmt.index], keys).filter((i) => i !== stmt.index);
    if (along.some((i) => !statements[i].node)) return null;

    // The VALIDATE and what follows it share a transactional migration up to the first statement that refuses one.
    const groups = groupSteps(statements, along, refusesTransaction);
    const first = groups[0] && !groups[0].nonTransactional ? groups.shift()!.indexes : [];
    const firstStmts: Statement[] = first.map((i) => statements[i]);
    const { sql } = stepSql(statements, [validate, ...firstStmts.map(itemOf)], 'transaction');
    const following = followingSteps(input, groups.flatMap((g) => g.indexes), 1, 'the VALIDATE');

    const table = relationLabel(alter.relation);
    const validateNode = parseFile(validate.sql).statements[0]?.node;
    return {
      title: `Validate ${name} in a migration of its own, after the ADD … NOT VALID has committed`,
      edits: [...cut, ...removalEdits(text, statements, [...seed, ...along])].sort((a, b) => a.range.start - b.range.start),
      steps: [{ name: `validate ${name}`, up: sql, nonTransactional: false }, ...following.steps],
      phases: [
        {
          name: 'validate',
          step: 0,
          summary: `VALIDATE CONSTRAINT ${name} checks the existing rows of ${table} while reads and writes go on${firstStmts.length ? '; the statements that followed it come after it' : ''}.`,
          lock: lockSummary([validateNode, ...firstStmts.map((s) => s.node)], schema, serverVersionOf(ctx)),
        },
        ...following.phases,
      ],
      notes: [
        ...(first.length ? [`Moved with the VALIDATE, to keep their order: ${firstStmts.map((s) => s.text.split('\n')[0]).join('; ')}.`] : []),
        ...following.notes,
      ],
    };
  },
};
