/**
 * One migration that adds a replacement column, fills it from the original and drops (or renames)
 * the original → the same change spread over releases, so that the running application always finds
 * the column it uses:
 * - expand: the ADD COLUMN stays in this migration; the next one installs a trigger that keeps the
 *   replacement filled while the old release writes the original (both ways for a plain copy);
 * - backfill: the UPDATE, moved out and run in primary-key batches, each committed on its own;
 * - contract (after the release that uses only the replacement is out): check every row is filled,
 *   drop the trigger and its function, then drop or rename the original as the migration did.
 * The trigger goes into a new migration rather than this one because its body holds semicolons, which
 * some frameworks split on unless the file says otherwise; the backfill after it fills every row the
 * old release wrote in between. A table replaced by a copy (CREATE TABLE … INSERT … SELECT, DROP
 * TABLE) is left to a person: its dual writes depend on the columns each side has.
 */
import type { Node, ResTarget, UpdateStmt } from '@pgsql/types';
import { nodePayload, relationKey, relationLabel, stringList, walk } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { ColumnModel, TableModel } from '../../schema/model';
import type { TextRange } from '../../types';
import type { Generator } from '../generator';
import { batchedUpdateSql, beforeRowTriggerSql, divergenceCheckSql, dropSyncTriggerSql, syncTriggerSql } from '../recipes/expand-contract';
import { BATCH_SIZE } from '../recipes/keyset-batches';
import { schemaBefore } from '../schema-at';
import { commandAt, generatedName, quoteIdent, relationSql, removeStatement, siblingSql } from '../sql';

/** The UPDATE that filled the replacement: `SET replacement = expr`. */
interface Fill {
  stmt: Statement;
  /** The table just before the fill. */
  table: TableModel;
  replacement: string;
  /** The expression as written, over the table's columns. */
  expr: string;
  /** The same expression over the trigger's NEW row. */
  exprOverNew: string;
  /** The columns it reads; a plain copy reads exactly one, as is. */
  sources: string[];
  /** Their types, for a down that adds them back. */
  sourceTypes: Map<string, string>;
  plainCopy: boolean;
}

/** A statement that drops or renames columns the fill read: it moves to the contract step. */
interface Contract {
  stmt: Statement;
  /** Each column it drops, or renames (`to`). */
  columns: { name: string; to?: string }[];
}

export const expandAndContractSameMigration: Generator = {
  rule: 'expand-and-contract-same-migration',
  draft({ finding, stmt, text, statements, ctx }) {
    const found = contractedColumn(stmt, finding.range);
    if (!found) return null;
    const tableKey = relationKey(found.relation);
    // The table as the fill saw it: every column the fill read still exists there.
    const fill = lastFill(statements, stmt, tableKey, (update) => schemaBefore(ctx, update, statements).table(tableKey), found.column);
    if (!fill) return null;
    const { table } = fill;
    const contracts = contractsOf(statements, fill, table.key);
    // The finding's statement does more than contract (it cannot move whole), or a statement left behind
    // uses what moves (a NOT NULL on the replacement needs the backfill first; a swap back to the old
    // name; the renamed column): the split is then a person's call.
    if (!contracts.some((c) => c.stmt === stmt) || namesWhatMoves(statements, fill, contracts, table.key)) return null;
    const contracted = contracts.flatMap((c) => c.columns);
    const pk = table.constraints.find((c) => c.kind === 'primary-key');
    const pkColumn = pk?.columns.length === 1 ? table.columns.get(pk.columns[0]) : undefined;
    // The batches walk the primary key: it must be a single column, and stay.
    if (!pkColumn || contracted.some((c) => c.name === pkColumn.name)) return null;

    const relname = found.relation.relname!;
    const label = relationLabel(found.relation);
    const rel = relationSql(found.relation);
    const newCol = quoteIdent(fill.replacement);
    const syncName = generatedName(relname, 'sync', fill.replacement);
    const sync = { rel, fn: siblingSql(found.relation, syncName), trigger: quoteIdent(syncName), oldCol: fill.sources[0], newCol: fill.replacement };
    const sourcesText = fill.sources.join(' and ');
    const writesText = fill.sources.join(' or ');
    const contractedText = contracted.map((c) => c.name).join(' and ');
    const action = contracted.every((c) => c.to === undefined) ? 'drop' : contracted.every((c) => c.to !== undefined) ? 'rename' : 'drop or rename';

    const syncSql = fill.plainCopy ? syncTriggerSql(sync) : oneWaySyncSql(sync, fill);
    const unfilled = fill.plainCopy ? `${newCol} IS DISTINCT FROM ${quoteIdent(fill.sources[0])}` : `${newCol} IS NULL AND ${newCol} IS DISTINCT FROM (${fill.expr})`;
    const backfill = batchedUpdateSql({
      rel,
      pk: pkColumn.name,
      pkType: pkColumn.type,
      set: `${newCol} = ${fill.expr}`,
      // A computed value is filled once: a re-run must not overwrite what the new release wrote since.
      pending: fill.plainCopy ? unfilled : `${newCol} IS NULL AND (${fill.expr}) IS NOT NULL`,
      what: `Fills ${fill.replacement} from ${fill.plainCopy ? fill.sources[0] : fill.expr}`,
    });
    const contract = [
      divergenceCheckSql(rel, unfilled, `${label}.${fill.replacement} is ${fill.plainCopy ? `not equal to ${fill.sources[0]}` : 'still empty'} in some rows: run the backfill again before contracting`),
      dropSyncTriggerSql(sync),
      ...contracts.map((c) => `${c.stmt.text.trim()};`),
    ].join('\n\n');

    const brief = (lock: 'AccessExclusiveLock' | 'ShareRowExclusiveLock') => `${describeLock(lock, label)}, for a moment (no rewrite, no scan)`;
    return {
      title: `Replace ${label}.${contractedText} with ${fill.replacement} by expand, backfill and contract, with a release between them`,
      edits: [fill.stmt, ...contracts.map((c) => c.stmt)].map((s) => removeStatement(text, s)),
      steps: [
        {
          name: `sync ${relname} ${fill.replacement}`,
          up: syncSql,
          down: dropSyncTriggerSql(sync, true),
          nonTransactional: false,
        },
        { name: `backfill ${relname} ${fill.replacement}`, up: backfill, nonTransactional: true },
        {
          name: `${action === 'drop or rename' ? 'contract' : action} ${relname} ${contracted.map((c) => c.name).join(' ')}`,
          up: contract,
          down: contractDown(rel, contracts, fill),
          nonTransactional: false,
        },
      ],
      phases: [
        {
          name: 'expand',
          step: 'current',
          summary: `Add ${fill.replacement}; the fill and the ${action} of ${contractedText} move to the migrations after this one.`,
          lock: `${describeLock('AccessExclusiveLock', label)}, for the ADD COLUMN only`,
        },
        {
          name: 'expand',
          step: 0,
          summary: fill.plainCopy
            ? `Install the trigger that keeps ${fill.replacement} equal to ${fill.sources[0]} whichever one the application writes.`
            : `Install the trigger that sets ${fill.replacement} to ${fill.expr} when the application writes ${writesText}.`,
          lock: brief('ShareRowExclusiveLock'),
        },
        {
          name: 'backfill',
          step: 1,
          summary: `Fill ${fill.replacement} in batches of ${BATCH_SIZE} by ${pkColumn.name}, each committed on its own.`,
          lock: `row locks on each batch of ${label} (ROW EXCLUSIVE lock on ${label}, which blocks only schema changes)`,
        },
        {
          name: 'contract',
          step: 2,
          summary: `Check every row has ${fill.replacement}, drop the trigger and its function, then ${action} ${contractedText}.`,
          deployBefore: `the application reads and writes ${fill.replacement}, no longer ${contractedText} (deploy it after the backfill, before this migration)`,
          lock: brief('AccessExclusiveLock'),
        },
      ],
      notes: [
        ...(fill.plainCopy
          ? []
          : [
              `The trigger copies one way, ${sourcesText} → ${fill.replacement}: writes to ${fill.replacement} alone are not copied back, so from the new release on ${sourcesText} go stale in the rows it writes (a rollback to the old release shows the old values).`,
            ]),
        `If ${ctx.migration.path} has a down migration, it should now undo only the ADD COLUMN: the fill and the ${action} of ${contractedText} are no longer in it.`,
        `Deploy the release that uses ${fill.replacement} instead of ${contractedText} between the backfill and the contract step; the old release keeps working until then.`,
      ],
    };
  },
};

/** The table and column the finding's statement drops (ALTER TABLE … DROP COLUMN) or renames. */
function contractedColumn(stmt: Statement, range: TextRange): { relation: NonNullable<UpdateStmt['relation']>; column: string } | undefined {
  const rename = stmt.as('RenameStmt');
  if (rename) return rename.renameType === 'OBJECT_COLUMN' && rename.relation?.relname && rename.subname ? { relation: rename.relation, column: rename.subname } : undefined;
  const alter = stmt.as('AlterTableStmt');
  const found = commandAt(stmt, range);
  if (!alter?.relation?.relname || found?.cmd.subtype !== 'AT_DropColumn' || !found.cmd.name) return undefined;
  return { relation: alter.relation, column: found.cmd.name };
}

/** The last UPDATE before the contract that filled a column added in this migration from `original`. */
function lastFill(statements: Statement[], contract: Statement, tableKey: string, tableAt: (stmt: Statement) => TableModel | undefined, original: string): Fill | undefined {
  for (const stmt of statements.slice(0, contract.index).reverse()) {
    const update = stmt.as('UpdateStmt');
    if (!update || relationKey(update.relation) !== tableKey) continue;
    const table = tableAt(stmt);
    const fill = table && readFill(stmt, update, table);
    if (fill?.sources.includes(original)) return fill;
  }
  return undefined;
}

/**
 * `UPDATE t SET c = expr [WHERE c IS NULL]` with c a column added in this migration and expr over t's
 * own columns (no subquery, no FROM, no RETURNING): what the backfill and the trigger can redo.
 */
function readFill(stmt: Statement, update: UpdateStmt, table: TableModel): Fill | undefined {
  if (update.fromClause?.length || update.withClause || update.returningClause || update.targetList?.length !== 1) return undefined;
  const target = nodePayload<ResTarget>(update.targetList[0]);
  const column = target?.name ? table.columns.get(target.name) : undefined;
  if (!target?.val || target.indirection?.length || !column || column.origin !== 'current-file') return undefined;
  if (update.whereClause && !isNullTestOf(update.whereClause, column.name)) return undefined;
  const refs = columnRefs(stmt, target.val, table, column);
  const range = refs && expressionRange(stmt, target);
  if (!refs || !range) return undefined;
  const expr = stmt.text.slice(range.start - stmt.range.start, range.end - stmt.range.start);
  let exprOverNew = expr;
  for (const ref of [...refs].sort((a, b) => b.range.start - a.range.start)) {
    if (ref.range.start < range.start || ref.range.end > range.end) return undefined;
    const at = ref.range.start - range.start;
    exprOverNew = `${exprOverNew.slice(0, at)}NEW.${quoteIdent(ref.name)}${exprOverNew.slice(ref.range.end - range.start)}`;
  }
  const sources = [...new Set(refs.map((r) => r.name))];
  const sourceTypes = new Map(sources.map((name) => [name, table.columns.get(name)?.type ?? '']));
  return { stmt, table, replacement: column.name, expr, exprOverNew, sources, sourceTypes, plainCopy: 'ColumnRef' in target.val };
}

/** `WHERE c IS NULL`: only skips rows already filled, which the batched backfill does anyway. */
function isNullTestOf(where: Node, column: string): boolean {
  const test = nodePayload<{ nulltesttype?: string; arg?: Node }>(where);
  if (!('NullTest' in where) || test?.nulltesttype !== 'IS_NULL' || !test.arg || !('ColumnRef' in test.arg)) return false;
  const fields = stringList(nodePayload<{ fields?: Node[] }>(test.arg)?.fields);
  return fields.length === 1 && fields[0] === column;
}

/**
 * The column references of the expression with their ranges in the file: each must be a column of the
 * table, unqualified, other than the one being filled; no subqueries (their columns are not the row's).
 */
function columnRefs(stmt: Statement, val: Node, table: TableModel, filled: ColumnModel): { name: string; range: TextRange }[] | undefined {
  const refs: { name: string; range: TextRange }[] = [];
  let readable = true;
  walk(val, (kind, payload) => {
    if (kind === 'SubLink') readable = false;
    if (kind !== 'ColumnRef') return;
    const fields = (payload.fields as Node[] | undefined) ?? [];
    const names = stringList(fields);
    const name = names[0];
    const start = stmt.offsetOf(payload.location as number | undefined);
    const token = stmt.codeTokens().find((t) => t.start === start);
    if (fields.length !== 1 || names.length !== 1 || !table.columns.has(name) || name === filled.name || !token) readable = false;
    else refs.push({ name, range: { start: token.start, end: token.end } });
  });
  return readable && refs.length > 0 ? refs : undefined;
}

/** From the token after `=` to the end of the statement or its WHERE, whichever comes first. */
function expressionRange(stmt: Statement, target: ResTarget): TextRange | undefined {
  const tokens = stmt.codeTokens();
  const from = stmt.offsetOf(target.location);
  const equals = tokens.findIndex((t) => t.start >= from && t.text === '=');
  if (equals < 0 || equals + 1 >= tokens.length) return undefined;
  let depth = 0;
  let end = tokens.length;
  for (let i = equals + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.isKeyword && t.text.toUpperCase() === 'WHERE') {
      end = i;
      break;
    }
  }
  return end > equals + 1 ? { start: tokens[equals + 1].start, end: tokens[end - 1].end } : undefined;
}

/**
 * The statements after the fill that drop or rename a column it read. An ALTER TABLE that also does
 * something else cannot move as a whole: then none is returned, and there is no plan.
 */
function contractsOf(statements: Statement[], fill: Fill, tableKey: string): Contract[] {
  const out: Contract[] = [];
  for (const stmt of statements.slice(fill.stmt.index + 1)) {
    const rename = stmt.as('RenameStmt');
    if (rename?.renameType === 'OBJECT_COLUMN' && relationKey(rename.relation) === tableKey && rename.subname && fill.sources.includes(rename.subname) && rename.newname) {
      out.push({ stmt, columns: [{ name: rename.subname, to: rename.newname }] });
      continue;
    }
    const alter = stmt.as('AlterTableStmt');
    if (!alter || relationKey(alter.relation) !== tableKey) continue;
    const cmds = (alter.cmds ?? []).map((c) => nodePayload<{ subtype?: string; name?: string }>(c));
    const drops = cmds.filter((c) => c?.subtype === 'AT_DropColumn' && c.name && fill.sources.includes(c.name));
    if (drops.length === 0) continue;
    if (drops.length !== cmds.length) return [];
    out.push({ stmt, columns: drops.map((c) => ({ name: c!.name! })) });
  }
  return out;
}

/**
 * True when a statement that stays (other than the ADD COLUMN) names the replacement, or a new name the
 * contract gives a column: left behind, it would run before the backfill, or before the rename.
 */
function namesWhatMoves(statements: Statement[], fill: Fill, contracts: Contract[], tableKey: string): boolean {
  const moved = new Set([fill.stmt, ...contracts.map((c) => c.stmt)]);
  const names = [fill.replacement, ...contracts.flatMap((c) => c.columns.flatMap((col) => (col.to === undefined ? [] : [col.to])))];
  const spells = (text: string, name: string) => (text.startsWith('"') ? text === `"${name.replace(/"/g, '""')}"` : text.toLowerCase() === name);
  return statements.some((stmt) => {
    if (moved.has(stmt) || addsColumn(stmt, tableKey, fill.replacement)) return false;
    return stmt.codeTokens().some((t) => names.some((name) => spells(t.text, name)));
  });
}

function addsColumn(stmt: Statement, tableKey: string, column: string): boolean {
  const alter = stmt.as('AlterTableStmt');
  if (!alter || relationKey(alter.relation) !== tableKey) return false;
  return (alter.cmds ?? []).every((c) => {
    const cmd = nodePayload<{ subtype?: string; def?: Node }>(c);
    return cmd?.subtype === 'AT_AddColumn' && nodePayload<{ colname?: string }>(cmd.def)?.colname === column;
  });
}

/**
 * A computed value cannot be copied back: the trigger only fills the replacement, on insert when the
 * application left it empty and on update when a column it is computed from changed and it did not.
 */
function oneWaySyncSql(t: { rel: string; fn: string; trigger: string; newCol: string }, fill: Fill): string {
  const newRef = `NEW.${quoteIdent(t.newCol)}`;
  const changed = fill.sources.map((s) => `NEW.${quoteIdent(s)} IS DISTINCT FROM OLD.${quoteIdent(s)}`).join(' OR ');
  return beforeRowTriggerSql(t, `Fills ${t.newCol} from ${fill.expr} while the application writes ${fill.sources.join(' or ')}; a value written to ${t.newCol} itself is kept.`, [
    "  IF TG_OP = 'INSERT' THEN",
    `    IF ${newRef} IS NULL THEN`,
    `      ${newRef} := ${fill.exprOverNew};`,
    '    END IF;',
    `  ELSIF ${newRef} IS NOT DISTINCT FROM OLD.${quoteIdent(t.newCol)} AND (${changed}) THEN`,
    `    ${newRef} := ${fill.exprOverNew};`,
    '  END IF;',
  ]);
}

/**
 * Undoes the contract: renamed columns get their names back; dropped ones come back with their type,
 * refilled from the replacement for a plain copy (a computed value cannot be split back).
 */
function contractDown(rel: string, contracts: Contract[], fill: Fill): string {
  const lines: string[] = [];
  for (const c of [...contracts].reverse()) {
    for (const col of [...c.columns].reverse()) {
      if (col.to !== undefined) {
        lines.push(`ALTER TABLE ${rel} RENAME COLUMN ${quoteIdent(col.to)} TO ${quoteIdent(col.name)};`);
        continue;
      }
      if (!fill.plainCopy) lines.push(`-- ${col.name} cannot be recomputed from ${fill.replacement}: it comes back empty.`);
      lines.push(`ALTER TABLE ${rel} ADD COLUMN IF NOT EXISTS ${quoteIdent(col.name)} ${fill.sourceTypes.get(col.name)};`);
      if (fill.plainCopy) lines.push(`UPDATE ${rel} SET ${quoteIdent(col.name)} = ${quoteIdent(fill.replacement)};`);
    }
  }
  return lines.join('\n');
}
