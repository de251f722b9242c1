/**
 * A contract step whose expand step never happened. Replacing a column (or table) safely takes an
 * expand migration (add the replacement, keep it in sync with a trigger, backfill it), a release that
 * switches the application over, and only then a contract migration (drop or rename the original,
 * drop the trigger). The replayed history tells whether the expand steps ran in earlier migrations:
 * a swap (DROP old + RENAME new TO old), a drop of a column that something copied into a replacement,
 * a dropped sync trigger whose target was never backfilled, or a NOT NULL on a column only the trigger
 * ever filled. Replacements added in this same migration are expand-and-contract-same-migration's.
 */
import type { Node, RangeVar } from '@pgsql/types';
import { nodePayload, qualifiedKey, relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import type { ColumnModel } from '../schema/model';
import type { TextRange } from '../types';
import { defineRule, type RuleContext } from './define';
import { alterCommands } from './helpers/alter-commands';
import { droppedTriggers } from './helpers/dropped-triggers';
import { columnsComputedByEarlierTriggers, expandSteps, missingStepsPhrase, replacementsOf, syncTriggers, triggerFilling } from './helpers/expand-contract';
import { tableLabel } from './helpers/index-owner';
import { withoutDropBehavior } from './helpers/statement-tokens';

interface Site {
  stmt: Statement;
  /** Defaults to the statement's first line. */
  range?: TextRange;
}

interface ColumnSwap extends Site {
  table: string;
  tableKey: string;
  from: string;
  to: string;
  /** What the expand left missing for `from` (the replacement), measured when the rename ran. */
  missing?: string;
}

export default defineRule({
  id: 'contract-without-expand',
  meta: {
    category: 'history',
    severity: 'warning',
    summary: 'A contract step (drop, rename, dropping the sync trigger, NOT NULL) whose expand step is missing from every earlier migration.',
    messages: {
      swap:
        'This migration replaces {{table}}.{{original}} with {{replacement}}, but no earlier migration {{missing}}: rows written since the replacement was added (or never copied) lose their value when {{original}} goes.',
      dropReplaced:
        'DROP COLUMN {{original}} contracts {{table}}.{{original}} into {{replacement}}, but no earlier migration {{missing}}: whatever was written to {{original}} and not copied is lost.',
      tableSwap:
        'This migration replaces table {{original}} with {{replacement}}, but no earlier migration {{missing}}: rows written to {{original}} and not copied are lost.',
      syncDroppedUnbackfilled:
        'Dropping {{trigger}} stops filling {{table}}.{{column}}, but no migration so far backfilled {{column}}: rows older than the trigger keep it empty for good. Backfill it first, in an earlier migration.',
      constrainUnbackfilled:
        '{{what}} on {{table}}.{{column}}: only trigger {{trigger}} fills {{column}}, for rows written since it was created, and no migration backfills the older rows, so this fails on them. Backfill {{column}} in a migration before this one.',
    },
    help: 'Expand first: add the replacement, install a trigger that keeps it in sync, backfill it in batches; release the application that uses it; then contract (drop or rename the original, drop the trigger) in a later migration.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const drops: (Site & { table: string; tableKey: string; column: string })[] = [];
    const swaps: ColumnSwap[] = [];
    const tableSwaps: (Site & { from: string; to: string; missing?: string })[] = [];
    const droppedTables = new Set<string>();
    const constraints: (Site & { what: string; table: string; tableKey: string; column: string; trigger: string })[] = [];
    const backfilledHere = new Set<string>();
    const reportedDrops = new Set<Statement>();
    /** Columns a dropped sync trigger filled and nothing backfilled: reported at the end, unless the column goes too. */
    const unfilled: { stmt: Statement; trigger: string; tableKey: string; column: string }[] = [];
    /**
     * Sync triggers from earlier migrations that this migration dropped before the statement at hand
     * (the contract drops the trigger first): `table.column` targets and `table>table` copies.
     */
    const syncedBefore = new Set<string>();
    const rememberSyncs = (tableKey: string, only?: string) => {
      for (const s of syncTriggers(ctx.schema, tableKey)) {
        if (s.trigger.origin !== 'history' || (only !== undefined && s.trigger.name !== only)) continue;
        for (const t of s.targets) syncedBefore.add(`${tableKey}.${t}`);
        for (const w of s.tables) syncedBefore.add(`${tableKey}>${w.table}`);
      }
      for (const column of columnsComputedByEarlierTriggers(ctx.schema, tableKey, only)) syncedBefore.add(`${tableKey}.${column}`);
    };
    const steps = (tableKey: string, replacement: ColumnModel) => {
      const found = expandSteps(ctx.schema, tableKey, replacement);
      return { ...found, syncedEarlier: found.syncedEarlier || syncedBefore.has(`${tableKey}.${replacement.name}`) };
    };

    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        const tableKey = relationKey(alter.relation);
        const table = ctx.schema.table(tableKey);
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.subtype !== 'AT_DropColumn' && cmd.subtype !== 'AT_SetNotNull' && cmd.subtype !== 'AT_ValidateConstraint') continue;
          const range = command.range; // read only for the subcommands this rule looks at: it needs the tokens
          if (cmd.subtype === 'AT_DropColumn' && cmd.name) {
            drops.push({ stmt, range: withoutDropBehavior(stmt, range), table: relationLabel(alter.relation), tableKey, column: cmd.name });
            const replacement = table ? replacementsOf(ctx.schema, table, cmd.name).find((r) => r.column.origin !== 'current-file') : undefined;
            const missing = replacement && missingStepsPhrase(steps(tableKey, replacement.column), replacement.column.name, cmd.name);
            if (replacement && missing) {
              reportedDrops.add(stmt);
              ctx.report({ stmt, range: withoutDropBehavior(stmt, range), messageId: 'dropReplaced', data: { table: relationLabel(alter.relation), original: cmd.name, replacement: replacement.column.name, missing } });
            }
          }
          if (cmd.subtype === 'AT_SetNotNull' && cmd.name) constrained(ctx, constraints, stmt, range, alter.relation, cmd.name, 'SET NOT NULL');
          if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
            const k = table?.constraints.find((c) => c.name === cmd.name);
            for (const column of k ? [...new Set([...(k.provesNotNull ? [k.provesNotNull] : []), ...k.columns])] : []) {
              constrained(ctx, constraints, stmt, range, alter.relation, column, `VALIDATE CONSTRAINT ${cmd.name}`);
            }
          }
        }
      },
      RenameStmt(rename, stmt) {
        if (!rename.newname || ctx.isNewTable(rename.relation)) return;
        const tableKey = relationKey(rename.relation);
        const range = undefined;
        if (rename.renameType === 'OBJECT_COLUMN' && rename.subname) {
          const replacement = ctx.schema.table(tableKey)?.columns.get(rename.subname);
          const found = replacement && steps(tableKey, replacement);
          // A replacement added in this migration is expand-and-contract-same-migration's finding.
          const missing = found && found.addedEarlier ? missingStepsPhrase(found, rename.subname, rename.newname) : undefined;
          swaps.push({ stmt, range, table: relationLabel(rename.relation), tableKey, from: rename.subname, to: rename.newname, missing });
        } else if (rename.renameType === 'OBJECT_TABLE') {
          const to = `${rename.relation?.schemaname ?? 'public'}.${rename.newname}`;
          tableSwaps.push({ stmt, range, from: tableKey, to, missing: tableExpandMissing(ctx, tableKey, to, syncedBefore) });
        }
      },
      DropStmt(drop, stmt) {
        if (drop.removeType === 'OBJECT_TABLE') {
          for (const o of drop.objects ?? []) {
            const key = qualifiedKey(stringList(nodePayload<{ items?: Node[] }>(o)?.items));
            droppedTables.add(key);
            rememberSyncs(key);
          }
          return;
        }
        for (const { tableKey, name } of droppedTriggers(drop, ctx.schema)) {
          rememberSyncs(tableKey, name);
          const sync = syncTriggers(ctx.schema, tableKey).find((s) => s.trigger.name === name);
          for (const column of sync?.targets ?? []) {
            if (ctx.schema.table(tableKey)?.columns.get(column)?.backfill) continue;
            unfilled.push({ stmt, trigger: name, tableKey, column });
          }
        }
      },
      UpdateStmt(update) {
        for (const t of update.targetList ?? []) {
          const name = nodePayload<{ name?: string }>(t)?.name;
          if (name) backfilledHere.add(`${relationKey(update.relation)}.${name}`);
        }
      },
      end() {
        for (const u of unfilled) {
          // A two-way trigger also filled the original: dropping or renaming the original away with it leaves nothing empty.
          if (drops.some((d) => d.tableKey === u.tableKey && d.column === u.column) || swaps.some((w) => w.tableKey === u.tableKey && w.from === u.column)) continue;
          ctx.report({ stmt: u.stmt, messageId: 'syncDroppedUnbackfilled', data: { trigger: `trigger ${u.trigger}`, table: tableLabel(u.tableKey), column: u.column } });
        }
        for (const swap of swaps) {
          // DROP old + RENAME new TO old, or RENAME old TO x + RENAME new TO old.
          const original = swap.to;
          const dropped = drops.find((d) => d.tableKey === swap.tableKey && d.column === original && !reportedDrops.has(d.stmt));
          const movedAside = swaps.some((s) => s !== swap && s.tableKey === swap.tableKey && s.from === original);
          if (!(dropped || movedAside) || !swap.missing) continue;
          ctx.report({ stmt: swap.stmt, range: swap.range, messageId: 'swap', data: { table: swap.table, original, replacement: swap.from, missing: swap.missing } });
        }
        for (const swap of tableSwaps) {
          const movedAside = tableSwaps.some((s) => s !== swap && s.from === swap.to);
          if (!(droppedTables.has(swap.to) || movedAside) || !swap.missing) continue;
          ctx.report({ stmt: swap.stmt, range: swap.range, messageId: 'tableSwap', data: { original: tableLabel(swap.to), replacement: tableLabel(swap.from), missing: swap.missing } });
        }
        for (const c of constraints) {
          if (backfilledHere.has(`${c.tableKey}.${c.column}`) || ctx.history?.laterBackfill(c.tableKey, c.column)) continue; // constrain-before-backfill's
          ctx.report({ stmt: c.stmt, range: c.range, messageId: 'constrainUnbackfilled', data: { what: c.what, table: c.table, column: c.column, trigger: c.trigger } });
        }
      },
    };
  },
});

/** A NOT NULL or validation on a column only a sync trigger (from an earlier migration) fills, never backfilled. */
function constrained(ctx: RuleContext, out: (Site & { what: string; table: string; tableKey: string; column: string; trigger: string })[], stmt: Statement, range: TextRange | undefined, relation: RangeVar | undefined, column: string, what: string): void {
  const tableKey = relationKey(relation);
  const sync = triggerFilling(ctx.schema, tableKey, column);
  if (!sync || sync.trigger.origin !== 'history' || ctx.schema.table(tableKey)?.columns.get(column)?.backfill) return;
  out.push({ stmt, range, what, table: relationLabel(relation), tableKey, column, trigger: sync.trigger.name });
}

/** What the expand of table `replacement` (to become `original`) left missing in earlier migrations. */
function tableExpandMissing(ctx: RuleContext, replacement: string, original: string, syncedBefore: Set<string>): string | undefined {
  const table = ctx.schema.table(replacement);
  if (!table || table.origin === 'current-file') return undefined;
  const copied = (table.copiedFrom ?? []).some((c) => c.table === original && c.origin === 'history');
  const synced = syncedBefore.has(`${original}>${replacement}`) || syncTriggers(ctx.schema, original).some((s) => s.trigger.origin === 'history' && s.tables.some((w) => w.table === replacement));
  const missing = [
    ...(copied ? [] : [`copied the rows of ${tableLabel(original)} into ${tableLabel(replacement)} (INSERT … SELECT)`]),
    ...(synced ? [] : [`installed a trigger on ${tableLabel(original)} that writes to ${tableLabel(replacement)}`]),
  ];
  return missing.length ? missing.join(' or ') : undefined;
}
