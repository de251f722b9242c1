import type { Rule } from '../define';

/** Locking and rewrites: ADD COLUMN variants, column changes and table constraints. */
export const COLUMNS_AND_CONSTRAINTS_RULES: Rule[] = [];
