/**
 * What the schema model knows about an index named in DROP INDEX or REINDEX INDEX: the table it is
 * on, and whether it is the index behind a PRIMARY KEY, UNIQUE or EXCLUDE constraint.
 */
import { qualifiedKey } from '../../dialects/postgres/ast';
import type { ConstraintModel, SchemaModel, TableModel } from '../../schema/model';

export interface IndexOwner {
  /** Schema-qualified key of the index's table, when the model knows it. */
  tableKey?: string;
  /** The constraint the index implements, when it is one. */
  constraint?: ConstraintModel;
}

/** PostgreSQL's longest identifier: longer default names are truncated in ways not worth guessing. */
const MAX_NAME = 63;

/** The index name PostgreSQL gives a constraint written without one (`users_pkey`, `users_email_key`). */
function defaultIndexName(table: TableModel, constraint: ConstraintModel): string | undefined {
  const relname = table.key.slice(table.key.indexOf('.') + 1);
  const suffix = constraint.kind === 'primary-key' ? 'pkey' : constraint.kind === 'unique' ? 'key' : constraint.kind === 'exclusion' ? 'excl' : undefined;
  if (!suffix) return undefined;
  const name = constraint.kind === 'primary-key' ? `${relname}_pkey` : [relname, ...constraint.columns, suffix].join('_');
  return name.length <= MAX_NAME ? name : undefined;
}

const BACKED_BY_INDEX = new Set(['primary-key', 'unique', 'exclusion']);

/** Looks an index up by its (possibly qualified) name as written: `['app', 'users_pkey']`. */
export function indexOwner(schema: SchemaModel, names: string[]): IndexOwner {
  const key = qualifiedKey(names);
  const schemaName = key.slice(0, key.indexOf('.'));
  const indexName = key.slice(key.indexOf('.') + 1);
  for (const table of schema.tables.values()) {
    if (!table.key.startsWith(`${schemaName}.`)) continue;
    for (const constraint of table.constraints) {
      if (!BACKED_BY_INDEX.has(constraint.kind)) continue;
      if ((constraint.name ?? defaultIndexName(table, constraint)) === indexName) return { tableKey: table.key, constraint };
    }
  }
  return { tableKey: schema.indexTables.get(key) };
}

/** `public.users` → `users`, `app.users` → `app.users`: the way a person would write it. */
export function tableLabel(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}
