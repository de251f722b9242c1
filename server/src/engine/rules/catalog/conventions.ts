import type { Rule } from '../define';

export const CONVENTIONS_RULES: Rule[] = [];
