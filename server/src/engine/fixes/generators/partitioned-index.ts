/**
 * CREATE INDEX on a partitioned table builds every partition's index under SHARE locks, and
 * CONCURRENTLY is refused on the parent. So: this migration creates the index ON ONLY the parent
 * (catalog only, left invalid); one migration per partition builds its index CONCURRENTLY outside a
 * transaction; the last attaches them all to the parent index, which becomes valid with the last one.
 *
 * Partitions come from the schema model. A partition that is itself partitioned gets no plan: its
 * index would need the same recipe one level down.
 */
import type { Node } from '@pgsql/types';
import { nodePayload, relationKey, relationLabel } from '../../dialects/postgres/ast';
import { nameRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { SchemaModel, TableModel } from '../../schema/model';
import type { TextEdit } from '../../types';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { generatedName, quoteIdent, relationSql, siblingSql } from '../sql';
import { withLockTimeout } from '../step-lock-timeout';
import type { MigrationStep, PlanContext } from '../types';

interface PartitionIndex {
  /** The partition as written in messages (`events_2024`, `app.events_2024`) and as SQL. */
  table: string;
  tableSql: string;
  /** Its index's name, and the name as SQL (qualified outside public). */
  name: string;
  indexSql: string;
}

export const partitionedIndex: Generator = {
  rule: 'partitioned-index',
  draft({ stmt, text, statements, ctx }) {
    const index = stmt.as('IndexStmt');
    // ALTER INDEX … ATTACH PARTITION needs the parent index's name.
    if (!index?.idxname || !index.relation?.relname || index.relation.inh !== true) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const parentKey = relationKey(index.relation);
    if (!schema.table(parentKey)?.partitioned) return null;
    const partitions = [...schema.tables.values()].filter((t) => t.partitionOf === parentKey);
    if (!partitions.length || partitions.some((p) => p.partitioned)) return null;

    const parent = relationLabel(index.relation);
    const parentIndex = siblingSql(index.relation, index.idxname);
    const relation = nameRange(stmt, index.relation.location);
    // Everything after the table name (USING, the columns, INCLUDE, WITH, WHERE) applies to each partition as is.
    const rest = text.slice(relation.end, stmt.range.end);
    const unique = index.unique ? 'UNIQUE ' : '';
    const children = partitionIndexes(schema, partitions, keyColumnNames(index.indexParams));
    const onlyParent = `CREATE ${unique}INDEX ${index.if_not_exists ? 'IF NOT EXISTS ' : ''}${quoteIdent(index.idxname)} ON ONLY ${relationSql(index.relation)}${rest};`;

    const builds: MigrationStep[] = children.map((c) => ({
      name: `create index ${c.name} concurrently`,
      up: `CREATE ${unique}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(c.name)} ON ${c.tableSql}${rest};`,
      down: `DROP INDEX CONCURRENTLY IF EXISTS ${c.indexSql};`,
      nonTransactional: true,
    }));
    const attach: MigrationStep = {
      name: `attach ${index.idxname} partitions`,
      up: [
        `-- ${index.idxname} becomes valid once every partition's index is attached.`,
        ...children.map((c) => `ALTER INDEX ${parentIndex} ATTACH PARTITION ${c.indexSql};`),
      ].join('\n'),
      // An attached index cannot be detached: drop the parent index (the partitions' go with it) and
      // create it again on the parent alone, as the current migration left it.
      down: ['-- Attached partition indexes cannot be detached: they are dropped with the parent index.', `DROP INDEX ${parentIndex};`, onlyParent].join('\n'),
      nonTransactional: false,
    };

    return {
      title: `Create ${index.idxname} on ${parent} alone, build each partition's index concurrently, then attach them`,
      edits: onlyEdits(stmt, text, ctx, relation.start),
      steps: [...builds, attach],
      phases: [
        {
          name: 'build',
          step: 'current',
          summary: `CREATE INDEX ${index.idxname} ON ONLY ${parent}: the parent's index alone, invalid (unused) until every partition's index is attached; nothing is built.`,
          lock: `${describeLock('ShareLock', parent)}, for a moment: nothing is built`,
        },
        ...children.map((c, i) => ({
          name: 'build' as const,
          step: i,
          summary: `CREATE INDEX CONCURRENTLY builds ${c.name} while reads and writes on ${c.table} go on.`,
          lock: describeLock('ShareUpdateExclusiveLock', c.table),
        })),
        {
          name: 'validate',
          step: children.length,
          summary: `ALTER INDEX ${index.idxname} ATTACH PARTITION for each partition's index: catalog only; ${index.idxname} becomes valid with the last one.`,
          lock: `${describeLock('AccessExclusiveLock', children.map((c) => c.name).join(', '))}, for a moment each: queries on that partition wait`,
        },
      ],
      notes: [
        'If a concurrent build fails it leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before running the migration again.',
        `A partition created or attached before the last step gets its index from ${parent}'s at once (built under lock if it has rows).`,
      ],
    };
  },
};

/**
 * `ON parent` → `ON ONLY parent`, and CONCURRENTLY (refused on a partitioned table) taken out. Without
 * CONCURRENTLY the statement takes a SHARE lock, however briefly: it gets the lock_timeout the
 * lock-timeout rule asks for when nothing earlier in the file sets one.
 */
function onlyEdits(stmt: Statement, text: string, ctx: PlanContext, relationStart: number): TextEdit[] {
  const edits: TextEdit[] = [{ range: { start: relationStart, end: relationStart }, newText: 'ONLY ' }];
  const tokens = stmt.codeTokens();
  const at = tokens.findIndex((t) => t.name === 'CONCURRENTLY');
  if (at < 0) return edits;
  edits.push({ range: { start: tokens[at].start, end: tokens[at + 1]?.start ?? tokens[at].end }, newText: '' });
  let upToStatement = `${text.slice(0, stmt.range.end)};`;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) upToStatement = upToStatement.slice(0, edit.range.start) + edit.newText + upToStatement.slice(edit.range.end);
  const step = { name: 'current', up: upToStatement, nonTransactional: ctx.migration.transaction === 'none' };
  const guarded = withLockTimeout(step, ctx.history.framework, ctx.config);
  // withLockTimeout puts its SET in front of what it is given: the same SET goes in front of the statement.
  if (guarded.up !== step.up && guarded.up.endsWith(upToStatement)) {
    edits.push({ range: { start: stmt.range.start, end: stmt.range.start }, newText: guarded.up.slice(0, -upToStatement.length) });
  }
  return edits;
}

/** Key column names for index names, `expr` for an expression, as PostgreSQL names indexes. */
function keyColumnNames(params: Node[] | undefined): string[] {
  return (params ?? []).map((p) => nodePayload<{ name?: string }>(p)?.name ?? 'expr');
}

/** `<partition>_<columns>_idx`, numbered when the name is taken, in the partition's schema. */
function partitionIndexes(schema: SchemaModel, partitions: TableModel[], columns: string[]): PartitionIndex[] {
  const taken = new Set(schema.indexTables.keys());
  return partitions.map((partition) => {
    const dot = partition.key.indexOf('.');
    const [schemaName, table] = [partition.key.slice(0, dot), partition.key.slice(dot + 1)];
    let name = generatedName(table, ...columns, 'idx');
    for (let n = 1; taken.has(`${schemaName}.${name}`); n++) name = `${generatedName(table, ...columns, 'idx').slice(0, 63 - String(n).length)}${n}`;
    taken.add(`${schemaName}.${name}`);
    const qualify = (n: string) => (schemaName === 'public' ? quoteIdent(n) : `${quoteIdent(schemaName)}.${quoteIdent(n)}`);
    return { table: schemaName === 'public' ? table : partition.key, tableSql: qualify(table), name, indexSql: qualify(name) };
  });
}
