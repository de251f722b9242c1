/**
 * ADD CONSTRAINT … CHECK / FOREIGN KEY → the same with NOT VALID (new rows are checked at once, the
 * lock is brief), then VALIDATE CONSTRAINT in the next migration under SHARE UPDATE EXCLUSIVE, which
 * blocks neither reads nor writes. In its own migration so that the brief lock is not held across it.
 */
import type { Constraint } from '@pgsql/types';
import { DEFAULT_SERVER_VERSION } from '../../config';
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { commandAt, quoteIdent, relationSql } from '../sql';

export const constraintNotValid: Generator = {
  rule: 'constraint-not-valid',
  draft({ stmt, finding, statements, ctx }) {
    const alter = stmt.as('AlterTableStmt');
    const found = commandAt(stmt, finding.range);
    const constraint = (found?.cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
    if (!alter || !found || found.cmd.subtype !== 'AT_AddConstraint' || !constraint || constraint.skip_validation) return null;
    // VALIDATE needs the name; PostgreSQL's generated one is not worth guessing.
    if (!constraint.conname) return null;
    const isForeignKey = constraint.contype === 'CONSTR_FOREIGN';
    if (!isForeignKey && constraint.contype !== 'CONSTR_CHECK') return null;
    // "cannot add NOT VALID foreign key on partitioned table" before PostgreSQL 18.
    const major = (ctx.config?.serverVersion ?? DEFAULT_SERVER_VERSION).major;
    if (isForeignKey && major < 18 && schemaBefore(ctx, stmt, statements).table(relationKey(alter.relation))?.partitioned === true) return null;
    const table = relationLabel(alter.relation);
    const referenced = isForeignKey ? relationLabel(constraint.pktable) : undefined;
    const addLock = isForeignKey
      ? `${describeLock('ShareRowExclusiveLock', table)}, and the same on ${referenced}, for a moment: no rows are checked`
      : `${describeLock('AccessExclusiveLock', table)}, for a moment: no rows are checked`;
    const validateLock = isForeignKey
      ? `${describeLock('ShareUpdateExclusiveLock', table)}; ${describeLock('RowShareLock', referenced!)}`
      : describeLock('ShareUpdateExclusiveLock', table);
    return {
      title: `Add ${constraint.conname} NOT VALID now and validate it in the next migration`,
      edits: [{ range: { start: found.range.end, end: found.range.end }, newText: ' NOT VALID' }],
      steps: [
        {
          name: `validate ${constraint.conname}`,
          up: `ALTER TABLE ${relationSql(alter.relation)} VALIDATE CONSTRAINT ${quoteIdent(constraint.conname)};`,
          nonTransactional: false,
        },
      ],
      phases: [
        { name: 'constrain', step: 'current', summary: `ADD CONSTRAINT ${constraint.conname} … NOT VALID: new and updated rows are checked from now on.`, lock: addLock },
        { name: 'validate', step: 0, summary: `VALIDATE CONSTRAINT ${constraint.conname} checks the existing rows while reads and writes go on.`, lock: validateLock },
      ],
    };
  },
};
