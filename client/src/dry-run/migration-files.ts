/** Which files the Dry run CodeLens is offered on (pure: no VS Code API). */

/**
 * A file that looks like a migration: in a folder named like migrations, or named the way migration
 * tools name files (`V3__x.sql`, `20240101120000_x.sql`, `0007-x.sql`, diesel/Prisma `up.sql`,
 * `migration.sql`).
 */
export function looksLikeMigration(path: string): boolean {
  const segments = path.split(/[\\/]/);
  const name = segments[segments.length - 1] ?? '';
  if (!/\.sql$/i.test(name)) return false;
  if (segments.slice(0, -1).some((s) => /^(migrations?|migrate|db_?migrations?|schema_?migrations?)$/i.test(s))) return true;
  return /^([VUR]\d|R__|\d{3,})/.test(name) || /^(up|migration)\.sql$/i.test(name);
}
