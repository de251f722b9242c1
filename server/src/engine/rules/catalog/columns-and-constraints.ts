import addColumnInlineConstraint from '../add-column-inline-constraint';
import addColumnNotNullNoDefault from '../add-column-not-null-no-default';
import addColumnSerial from '../add-column-serial';
import addColumnStoredGenerated from '../add-column-stored-generated';
import addColumnVolatileDefault from '../add-column-volatile-default';
import addExclusionConstraint from '../add-exclusion-constraint';
import addPrimaryKey from '../add-primary-key';
import addUniqueConstraint from '../add-unique-constraint';
import alterColumnType from '../alter-column-type';
import constraintNotValid from '../constraint-not-valid';
import setNotNull from '../set-not-null';
import validateSameTransaction from '../validate-same-transaction';
import type { Rule } from '../define';

/** Locking and rewrites: ADD COLUMN variants, column changes and table constraints. */
export const COLUMNS_AND_CONSTRAINTS_RULES: Rule[] = [
  addColumnNotNullNoDefault,
  addColumnVolatileDefault,
  addColumnSerial,
  addColumnStoredGenerated,
  addColumnInlineConstraint,
  setNotNull,
  alterColumnType,
  constraintNotValid,
  validateSameTransaction,
  addUniqueConstraint,
  addPrimaryKey,
  addExclusionConstraint,
];
