import createIndexConcurrently from '../create-index-concurrently';
import type { Rule } from '../define';

/** Locking and rewrites: indexes, partitions, whole-table operations, types and domains. */
export const LOCKING_RULES: Rule[] = [createIndexConcurrently];
