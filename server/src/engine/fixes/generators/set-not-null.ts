/**
 * SET NOT NULL scans the whole table under ACCESS EXCLUSIVE. On PostgreSQL 12+ a validated
 * CHECK (c IS NOT NULL) proves the column and the scan is skipped, so: this migration adds the CHECK
 * NOT VALID (brief lock), the next validates it (no blocking), sets NOT NULL (brief: no scan) and drops
 * the CHECK, which the NOT NULL now makes redundant.
 */
import { relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { commandAt, generatedName, quoteIdent, relationSql } from '../sql';

export const setNotNull: Generator = {
  rule: 'set-not-null',
  draft({ stmt, finding, ctx }) {
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    // Before 12 the validated CHECK does not spare the scan: the recipe would not help.
    if (ctx.config && ctx.config.serverVersion.major < 12) return null;
    if (!alter?.relation?.relname || !found || found.cmd.subtype !== 'AT_SetNotNull' || !found.cmd.name) return null;
    // Other subcommands of the same ALTER would have to be split out too: leave those to a person.
    if (found.count > 1) return null;
    const column = found.cmd.name;
    const table = relationLabel(alter.relation);
    const rel = relationSql(alter.relation);
    const check = quoteIdent(generatedName(alter.relation.relname, column, 'not_null'));
    const col = quoteIdent(column);
    return {
      title: `Prove ${table}.${column} NOT NULL with a CHECK validated without blocking, then set NOT NULL without a scan`,
      edits: [{ range: stmt.range, newText: `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID` }],
      steps: [
        {
          name: `set ${alter.relation.relname} ${column} not null`,
          up: [
            `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`,
            `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`,
            `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`,
          ].join('\n'),
          down: `ALTER TABLE ${rel} ALTER COLUMN ${col} DROP NOT NULL;`,
          nonTransactional: false,
        },
      ],
      phases: [
        {
          name: 'constrain',
          step: 'current',
          summary: `ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID: new rows must have ${column} from now on.`,
          deployBefore: `the application writes ${column} on every insert and update`,
          lock: `${describeLock('AccessExclusiveLock', table)}, for a moment: no rows are checked`,
        },
        {
          name: 'validate',
          step: 0,
          summary: `VALIDATE the CHECK while reads and writes go on, then SET NOT NULL (no scan: the CHECK proves it) and drop the CHECK.`,
          deployBefore: `existing rows with ${column} IS NULL are backfilled, or VALIDATE fails`,
          lock: `${describeLock('ShareUpdateExclusiveLock', table)} while validating; then ${describeLock('AccessExclusiveLock', table)}, for a moment`,
        },
      ],
    };
  },
};
