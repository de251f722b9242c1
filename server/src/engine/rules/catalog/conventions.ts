import banChar from '../ban-char';
import type { Rule } from '../define';
import idempotentDdl from '../idempotent-ddl';
import preferBigint from '../prefer-bigint';
import preferIdentity from '../prefer-identity';
import preferText from '../prefer-text';
import preferTimestamptz from '../prefer-timestamptz';

/** Conventions: information level, off by default. */
export const CONVENTIONS_RULES: Rule[] = [preferBigint, preferIdentity, preferText, preferTimestamptz, banChar, idempotentDdl];
