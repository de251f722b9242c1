import type { Rule } from '../define';

export const COMPATIBILITY_RULES: Rule[] = [];
