/** Ordering of migration versions as frameworks do it: numerically, part by part. */

/** The digit runs of a version (`1.2.10` → ['1','2','10'], `2019-02-26-002946` → ['2019','02','26','002946']). */
function parts(version: string): string[] {
  return version.match(/\d+/g) ?? [];
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * A timestamp written with separators (`2019-03-22-170700`, `2024.01.15`): a year-sized first part and
 * zero-padded parts after it. Such a version orders like the same digits written without separators
 * (`20190322170700`), which is how diesel and friends mix both spellings in one history.
 */
function isTimestamp(p: string[]): boolean {
  return p[0].length >= 4 && p.slice(1).every((x) => x.length >= 2);
}

/** Negative when version a sorts before b. Versions without digits sort by text, after numbered ones. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  if (pa.length === 0 || pb.length === 0) return pa.length === 0 && pb.length === 0 ? a.localeCompare(b) : pa.length === 0 ? 1 : -1;
  if (isTimestamp(pa) && isTimestamp(pb)) {
    const x = pa.join('');
    const y = pb.join('');
    if (x !== y) return x < y ? -1 : 1;
  }
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compareDigits(pa[i], pb[i]);
    if (c !== 0) return c;
  }
  return pa.length - pb.length || a.localeCompare(b);
}

/** `20240101_add_users` → { version: '20240101', name: 'add users' }; undefined when no leading version. */
export function splitVersionedName(base: string): { version: string; name: string } | undefined {
  // A version is digit groups joined by '-' or '.' (`2019-02-26-002946`, `1.2`); a separator that is
  // not followed by a digit starts the name.
  const match = /^v?(\d+(?:[-.]\d+)*)(?:[_.-]+(.*))?$/i.exec(base);
  if (!match) return undefined;
  return { version: match[1], name: (match[2] ?? '').replace(/[_-]+/g, ' ').trim() };
}
