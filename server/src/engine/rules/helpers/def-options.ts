/** Options written as `(NAME [value], …)` lists: REINDEX (CONCURRENTLY), VACUUM (FULL, ANALYZE). */
import type { DefElem, Node } from '@pgsql/types';

const FALSE_WORDS = new Set(['false', 'off', 'no', 'f', 'n', '0']);

/** True when the option is present and not switched off (`FULL`, `FULL true`, `FULL 1`; not `FULL off`). */
export function optionEnabled(options: Node[] | undefined, name: string): boolean {
  for (const option of options ?? []) {
    const def = (option as { DefElem?: DefElem }).DefElem;
    if (def?.defname?.toLowerCase() !== name) continue;
    const arg = def.arg as { String?: { sval?: string }; Integer?: { ival?: number }; Boolean?: { boolval?: boolean } } | undefined;
    if (!arg) return true;
    if (arg.String) return !FALSE_WORDS.has((arg.String.sval ?? '').toLowerCase());
    if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
    if (arg.Boolean) return arg.Boolean.boolval === true;
    return true;
  }
  return false;
}
