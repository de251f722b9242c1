/**
 * ATTACH PARTITION scans the partition under ACCESS EXCLUSIVE to prove its rows fit the bounds, unless
 * a validated CHECK constraint already implies them. So: this migration adds a CHECK equal to the
 * bounds NOT VALID (brief lock); the next validates it (no blocking), attaches (no scan: PostgreSQL
 * proves the bounds from the CHECK) and drops the CHECK, which the partition bounds now enforce.
 *
 * The CHECK is built from the bound in the parse tree and the parent's partition key: one key column,
 * RANGE or LIST, constant bounds. Multi-column, expression and HASH keys, DEFAULT partitions and bounds
 * that are not constants get no plan: a CHECK that does not imply the bounds would not spare the scan.
 */
import type { AlterTableCmd, Node, PartitionBoundSpec, PartitionCmd, PartitionSpec, RangeVar } from '@pgsql/types';
import { nodeKind, nodePayload, qualifiedKey, relationKey, relationLabel, stringList } from '../../dialects/postgres/ast';
import { clauseRange } from '../../dialects/postgres/ranges';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { SchemaModel } from '../../schema/model';
import type { Generator } from '../generator';
import { forEachStatementBefore, schemaBefore } from '../schema-at';
import { STANDS_ALONE } from '../../rules/multiple-alter-table';
import { generatedName, quoteIdent, relationSql, removeStatement } from '../sql';
import type { PlanContext } from '../types';

export const attachPartition: Generator = {
  rule: 'attach-partition',
  draft({ stmt, text, statements, ctx }) {
    const alter = stmt.as('AlterTableStmt');
    // ATTACH PARTITION is a statement of its own: PostgreSQL does not combine it with other subcommands.
    const cmd = (alter?.cmds?.[0] as { AlterTableCmd?: AlterTableCmd } | undefined)?.AlterTableCmd;
    const partitionCmd = (cmd?.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd;
    if (!alter?.relation || alter.cmds?.length !== 1 || cmd?.subtype !== 'AT_AttachPartition' || !partitionCmd?.name?.relname || !partitionCmd.bound) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const parentKey = relationKey(alter.relation);
    const parent = schema.table(parentKey);
    const keyColumn = singleKeyColumn(partitionSpecBefore(ctx, stmt, statements, parentKey));
    if (!parent?.partitioned || !keyColumn || !parent.columns.has(keyColumn)) return null;
    const predicate = boundPredicate(quoteIdent(keyColumn), partitionCmd.bound, (datum) => datumSql(stmt, text, datum));
    if (!predicate) return null;

    const partitionRv = partitionCmd.name;
    const partition = relationLabel(partitionRv);
    const parentLabel = relationLabel(alter.relation);
    const partitionRel = relationSql(partitionRv);
    const checkName = generatedName(partitionRv.relname!, 'partition_check');
    if (schema.table(relationKey(partitionRv))?.constraints.some((k) => k.name === checkName)) return null;
    const check = quoteIdent(checkName);
    const parentMode = (ctx.config?.serverVersion.major ?? 12) >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
    const addCheck = `ADD CONSTRAINT ${check} CHECK (${predicate}) NOT VALID`;
    const previous = statements[stmt.index - 1];
    const previousAlter = previous?.as('AlterTableStmt');
    // Right after another ALTER TABLE of the partition, the CHECK joins it: one lock, not two in a row.
    const joinsPrevious =
      previousAlter?.objtype === 'OBJECT_TABLE' &&
      relationKey(previousAlter.relation) === relationKey(partitionRv) &&
      !(previousAlter.cmds ?? []).some((c) => STANDS_ALONE.has((c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd?.subtype ?? ''));
    const edits = joinsPrevious
      ? [{ range: { start: previous.range.end, end: previous.range.end }, newText: `,\n  ${addCheck}` }, removeStatement(text, stmt)]
      : [
          {
            range: stmt.range,
            newText: [`-- The bounds of ${partition} in ${parentLabel} as a CHECK: once validated, ATTACH PARTITION skips its scan.`, `ALTER TABLE ${partitionRel} ${addCheck}`].join('\n'),
          },
        ];
    return {
      title: `Prove ${partition} fits its bounds with a CHECK validated without blocking, then attach it without a scan`,
      edits,
      steps: [
        {
          name: `attach partition ${partitionRv.relname}`,
          up: [
            '-- Checks the existing rows while reads and writes go on.',
            `ALTER TABLE ${partitionRel} VALIDATE CONSTRAINT ${check};`,
            '-- No scan: the validated CHECK proves the bounds.',
            `${text.slice(stmt.range.start, stmt.range.end)};`,
            '-- The partition bounds now enforce what the CHECK did.',
            `ALTER TABLE ${partitionRel} DROP CONSTRAINT ${check};`,
          ].join('\n'),
          down: `ALTER TABLE ${relationSql(alter.relation)} DETACH PARTITION ${partitionRel};`,
          nonTransactional: false,
        },
      ],
      phases: [
        {
          name: 'constrain',
          step: 'current',
          summary: `ADD CONSTRAINT ${checkName} CHECK (${predicate}) NOT VALID on ${partition}: rows written from now on must fit the bounds.`,
          deployBefore: `nothing writes rows outside the bounds into ${partition}`,
          lock: `${describeLock('AccessExclusiveLock', partition)}, for a moment: no rows are checked`,
        },
        {
          name: 'validate',
          step: 0,
          summary: `VALIDATE the CHECK while reads and writes go on, then ATTACH PARTITION (no scan: the CHECK proves the bounds) and drop the CHECK.`,
          deployBefore: `rows of ${partition} outside the bounds are moved or deleted, or VALIDATE fails`,
          lock: `${describeLock('ShareUpdateExclusiveLock', partition)}, while validating; then, for a moment, ${describeLock('AccessExclusiveLock', partition)}; and ${describeLock(parentMode, parentLabel)}`,
        },
      ],
      notes: [
        `The down of ${ctx.migration.path} undid the ATTACH: it now only needs ALTER TABLE ${partitionRel} DROP CONSTRAINT IF EXISTS ${check}; the DETACH is in the new migration's down.`,
        ...defaultPartitionNote(schema, parentKey, parentLabel),
      ],
    };
  },
};

/** ATTACH also scans a DEFAULT partition for rows that belong in the new one: the CHECK does not help there. */
function defaultPartitionNote(schema: SchemaModel, parentKey: string, parent: string): string[] {
  const fallback = [...schema.tables.values()].find((t) => t.partitionOf === parentKey && t.partitionBound === 'DEFAULT');
  if (!fallback) return [];
  const name = fallback.key.replace(/^public\./, '');
  return [
    `${parent} has a DEFAULT partition, ${name}: ATTACH PARTITION also scans it under ${describeLock('AccessExclusiveLock', name)}, unless a validated CHECK on ${name} excludes the new bounds.`,
  ];
}

/** The partition key's only column; undefined for expression keys, several columns, COLLATE or an operator class. */
function singleKeyColumn(spec: PartitionSpec | undefined): string | undefined {
  if (!spec || spec.strategy === 'PARTITION_STRATEGY_HASH' || spec.partParams?.length !== 1) return undefined;
  const element = nodePayload<{ name?: string; collation?: Node[]; opclass?: Node[] }>(spec.partParams[0]);
  if (!element?.name || element.collation?.length || element.opclass?.length) return undefined;
  return element.name;
}

type DatumSql = (datum: Node) => string | 'MINVALUE' | 'MAXVALUE' | undefined;

/**
 * The bound as the predicate PostgreSQL derives for the partition (its partition constraint), so that
 * its proof that the CHECK implies the bounds is straightforward.
 */
function boundPredicate(column: string, bound: PartitionBoundSpec, datumSql: DatumSql): string | undefined {
  if (bound.is_default) return undefined;
  if (bound.strategy === 'r') {
    if (bound.lowerdatums?.length !== 1 || bound.upperdatums?.length !== 1) return undefined;
    const lower = datumSql(bound.lowerdatums[0]);
    const upper = datumSql(bound.upperdatums[0]);
    if (!lower || !upper || lower === 'MAXVALUE' || upper === 'MINVALUE') return undefined;
    const parts = [`${column} IS NOT NULL`];
    if (lower !== 'MINVALUE') parts.push(`${column} >= ${lower}`);
    if (upper !== 'MAXVALUE') parts.push(`${column} < ${upper}`);
    return parts.join(' AND ');
  }
  if (bound.strategy === 'l') {
    const datums = bound.listdatums ?? [];
    const values = datums.filter((d) => !isNullConst(d)).map(datumSql);
    if (values.some((v) => !v || v === 'MINVALUE' || v === 'MAXVALUE')) return undefined;
    const hasNull = values.length < datums.length;
    if (!values.length) return hasNull ? `${column} IS NULL` : undefined;
    const inList = `${column} IN (${values.join(', ')})`;
    return hasNull ? `(${column} IS NULL OR ${inList})` : `${column} IS NOT NULL AND ${inList}`;
  }
  return undefined;
}

function isNullConst(node: Node): boolean {
  return nodeKind(node) === 'A_Const' && nodePayload<{ isnull?: boolean }>(node)?.isnull === true;
}

/**
 * A bound value as written (`'2025-01-01'`, `date '2025-01-01'`, `'5'::bigint`): constants and casts of
 * constants only; MINVALUE and MAXVALUE by name. Anything else (a function call) is undefined.
 */
function datumSql(stmt: Statement, text: string, datum: Node): ReturnType<DatumSql> {
  const kind = nodeKind(datum);
  if (kind === 'ColumnRef') {
    const name = stringList(nodePayload<{ fields?: Node[] }>(datum)?.fields).join('.');
    return name === 'minvalue' ? 'MINVALUE' : name === 'maxvalue' ? 'MAXVALUE' : undefined;
  }
  // A cast's location is its `::` or CAST, and none for `date '…'`, where its type name comes first:
  // the datum starts at the earliest location of the cast, its type name and the constant.
  const locations: (number | undefined)[] = [];
  let node: Node | undefined = datum;
  while (nodeKind(node) === 'TypeCast') {
    const cast: { arg?: Node; location?: number; typeName?: { location?: number } } = nodePayload(node) ?? {};
    locations.push(cast.location, cast.typeName?.location);
    node = cast.arg;
  }
  if (nodeKind(node) !== 'A_Const') return undefined;
  locations.push(nodePayload<{ location?: number }>(node)?.location);
  const start = Math.min(...locations.filter((l): l is number => l !== undefined && l >= 0));
  if (!Number.isFinite(start)) return undefined;
  const range = clauseRange(stmt, start);
  return text.slice(range.start, range.end).trim() || undefined;
}

/**
 * The parent's PARTITION BY as its CREATE TABLE wrote it: the schema model records that a table is
 * partitioned, not on what. Found by reading the history before the statement; forgotten when the
 * table (or one of its columns) is renamed, moved or dropped, since the key as written may no longer hold.
 */
function partitionSpecBefore(ctx: PlanContext, stmt: Statement, statements: Statement[], tableKey: string): PartitionSpec | undefined {
  let spec: PartitionSpec | undefined;
  const observe = (s: Statement) => {
    const create = s.as('CreateStmt');
    if (create && relationKey(create.relation) === tableKey) {
      if (!create.if_not_exists || spec === undefined) spec = create.partspec;
      return;
    }
    if (touchesTable(s, tableKey)) spec = undefined;
  };
  forEachStatementBefore(ctx, stmt, statements, observe);
  return spec;
}

/** DROP TABLE, any RENAME on the table (or to its name) and SET SCHEMA. */
function touchesTable(s: Statement, tableKey: string): boolean {
  const drop = s.as('DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') {
    return (drop.objects ?? []).some((o) => qualifiedKey(stringList((o as { List?: { items?: Node[] } }).List?.items)) === tableKey);
  }
  const rename = s.as('RenameStmt');
  if (rename?.relation) {
    const renamedTo = `${rename.relation.schemaname ?? 'public'}.${rename.newname ?? ''}`;
    return relationKey(rename.relation) === tableKey || renamedTo === tableKey;
  }
  const move = s.as('AlterObjectSchemaStmt');
  return move?.relation !== undefined && (relationKey(move.relation as RangeVar) === tableKey || `${move.newschema ?? ''}.${move.relation.relname ?? ''}` === tableKey);
}
