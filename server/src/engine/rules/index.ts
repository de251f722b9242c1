/** Every rule, by id. Each catalog file lists one category group of HAZARDS.md. */
import { BUILTIN_RULES } from './catalog/builtin';
import { COLUMNS_AND_CONSTRAINTS_RULES } from './catalog/columns-and-constraints';
import { COMPATIBILITY_RULES } from './catalog/compatibility';
import { CONVENTIONS_RULES } from './catalog/conventions';
import { HISTORY_RULES } from './catalog/history';
import { LOCKING_RULES } from './catalog/locking';
import { TRANSACTIONS_RULES } from './catalog/transactions';
import type { Rule } from './define';

export const ALL_RULES: Rule[] = [...BUILTIN_RULES, ...COLUMNS_AND_CONSTRAINTS_RULES, ...LOCKING_RULES, ...TRANSACTIONS_RULES, ...COMPATIBILITY_RULES, ...HISTORY_RULES, ...CONVENTIONS_RULES];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((r) => [r.id, r]));

export const RULE_IDS: ReadonlySet<string> = new Set(RULES_BY_ID.keys());
