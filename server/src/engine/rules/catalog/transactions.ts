import type { Rule } from '../define';

export const TRANSACTIONS_RULES: Rule[] = [];
