import type { Rule } from '../define';
import dropCascade from '../drop-cascade';
import dropColumn from '../drop-column';
import dropNotNull from '../drop-not-null';
import dropSchemaOrDatabase from '../drop-schema-or-database';
import dropTable from '../drop-table';
import renameColumn from '../rename-column';
import renameTable from '../rename-table';

/** Compatibility and data loss: the contract step of expand/contract. */
export const COMPATIBILITY_RULES: Rule[] = [renameColumn, renameTable, dropColumn, dropTable, dropSchemaOrDatabase, dropCascade, dropNotNull];
