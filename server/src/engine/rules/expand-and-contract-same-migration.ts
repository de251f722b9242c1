/**
 * One migration that both adds a replacement and drops or renames the original: there is no release
 * in which both exist, so the application deployed before the migration (using the original) and the
 * one deployed after (using the replacement) cannot both work while it runs and rolls out.
 */
import type { Node } from '@pgsql/types';
import { nodePayload, qualifiedKey, relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import type { SchemaModel } from '../schema/model';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';
import { replacementsOf } from './helpers/expand-contract';
import { tableLabel } from './helpers/index-owner';
import { withoutDropBehavior } from './helpers/statement-tokens';

interface Contract {
  stmt: Statement;
  range?: TextRange;
  tableKey: string;
  column: string;
  reported: boolean;
}

/** Columns added in this migration that were filled from `original`. */
function replacementsAddedHere(schema: SchemaModel, tableKey: string, original: string): string[] {
  const table = schema.table(tableKey);
  if (!table) return [];
  return replacementsOf(schema, table, original).filter((r) => r.column.origin === 'current-file').map((r) => r.column.name);
}

/** Tables created in this migration whose rows were copied from `original` in it. */
function tableReplacementsAddedHere(schema: SchemaModel, original: string): string[] {
  return [...schema.tables.values()].filter((t) => t.origin === 'current-file' && (t.copiedFrom ?? []).some((c) => c.table === original && c.origin === 'current-file')).map((t) => t.key);
}

export default defineRule({
  id: 'expand-and-contract-same-migration',
  meta: {
    category: 'history',
    severity: 'warning',
    summary: 'One migration adds a replacement and drops or renames the original: no release has both.',
    messages: {
      column:
        'This migration adds {{replacement}}, fills it from {{original}} and then {{action}} {{table}}.{{original}}: no release runs with both, so the application deployed before it (which uses {{original}}) breaks as soon as it runs, before the one using {{replacement}} is out.',
      table:
        'This migration creates {{replacement}}, copies {{original}} into it and then {{action}} {{original}}: no release runs with both tables, so the application deployed before it breaks as soon as it runs.',
    },
    help: 'Split it: expand now (add the replacement, a trigger that keeps it in sync, a batched backfill), release the application that uses the replacement, then contract (drop or rename the original) in a later migration.',
    fix: 'none',
  },
  check(ctx) {
    const contracts: Contract[] = [];
    const swaps: { stmt: Statement; tableKey: string; from: string; to: string; table: string }[] = [];
    const report = (stmt: Statement, range: TextRange | undefined, original: string, replacement: string, action: string, table: string) =>
      ctx.report({ stmt, range, messageId: 'column', data: { table, original, replacement, action } });
    const tableContract = (stmt: Statement, original: string, action: string) => {
      const replacement = tableReplacementsAddedHere(ctx.schema, original)[0];
      if (replacement) ctx.report({ stmt, messageId: 'table', data: { original: tableLabel(original), replacement: tableLabel(replacement), action } });
    };
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        const tableKey = relationKey(alter.relation);
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
          const clause = withoutDropBehavior(stmt, command.range);
          const replacement = replacementsAddedHere(ctx.schema, tableKey, cmd.name)[0];
          if (replacement) report(stmt, clause, cmd.name, replacement, 'drops', relationLabel(alter.relation));
          contracts.push({ stmt, range: clause, tableKey, column: cmd.name, reported: replacement !== undefined });
        }
      },
      RenameStmt(rename, stmt) {
        if (!rename.newname || ctx.isNewTable(rename.relation)) return;
        const tableKey = relationKey(rename.relation);
        if (rename.renameType === 'OBJECT_TABLE') {
          tableContract(stmt, tableKey, 'renames');
          return;
        }
        if (rename.renameType !== 'OBJECT_COLUMN' || !rename.subname) return;
        const replacement = replacementsAddedHere(ctx.schema, tableKey, rename.subname)[0];
        if (replacement) report(stmt, undefined, rename.subname, replacement, 'renames', relationLabel(rename.relation));
        contracts.push({ stmt, tableKey, column: rename.subname, reported: replacement !== undefined });
        // RENAME new TO old where new was added in this migration: the swap of an expand/contract.
        if (ctx.schema.table(tableKey)?.columns.get(rename.subname)?.origin === 'current-file') {
          swaps.push({ stmt, tableKey, from: rename.subname, to: rename.newname, table: relationLabel(rename.relation) });
        }
      },
      DropStmt(drop, stmt) {
        if (drop.removeType !== 'OBJECT_TABLE') return;
        for (const o of drop.objects ?? []) {
          const key = qualifiedKey(stringList(nodePayload<{ items?: Node[] }>(o)?.items));
          if (!ctx.isNewTable(key)) tableContract(stmt, key, 'drops');
        }
      },
      end() {
        for (const swap of swaps) {
          const contract = contracts.find((c) => c.tableKey === swap.tableKey && c.column === swap.to && c.stmt !== swap.stmt);
          if (!contract || contract.reported) continue;
          contract.reported = true;
          report(contract.stmt, contract.range, swap.to, swap.from, contract.stmt.kind === 'RenameStmt' ? 'renames' : 'drops', swap.table);
        }
      },
    };
  },
});
