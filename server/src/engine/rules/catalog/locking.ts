import createIndexConcurrently from '../create-index-concurrently';
import type { Rule } from '../define';

export const LOCKING_RULES: Rule[] = [createIndexConcurrently];
