/**
 * Statements that copy a whole table (and rebuild all its indexes) while holding an ACCESS EXCLUSIVE
 * lock for the whole copy: VACUUM FULL, CLUSTER, ALTER TABLE … SET TABLESPACE / SET LOGGED / SET
 * UNLOGGED / SET ACCESS METHOD. On a large table that is an outage as long as the copy.
 */
import type { AlterTableCmd, RangeVar, VacuumRelation } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { firstLineRange, headRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import { describeLock } from '../locks/modes';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { optionEnabled } from './helpers/def-options';
import { PartitionedTables } from './helpers/partitioned-tables';
import { alterCommandRange } from './helpers/statement-spans';

const REWRITING_COMMANDS: Partial<Record<string, string>> = {
  AT_SetTableSpace: 'SET TABLESPACE',
  AT_SetLogged: 'SET LOGGED',
  AT_SetUnLogged: 'SET UNLOGGED',
  AT_SetAccessMethod: 'SET ACCESS METHOD',
};

export default defineRule({
  id: 'table-rewrite',
  meta: {
    category: 'rewrite',
    severity: 'warning',
    summary: 'VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED rewrite the whole table under an ACCESS EXCLUSIVE lock.',
    messages: {
      rewrite: '{{operation}} rewrites {{table}} (data and indexes) while holding an {{lock}}, for as long as the copy takes.',
    },
    help: 'Do not rewrite large tables in a migration: run pg_repack or pg_squeeze outside it (they hold the ACCESS EXCLUSIVE lock only briefly), or REPACK CONCURRENTLY where the server has it.',
    fix: 'none',
  },
  check(ctx) {
    const partitioned = new PartitionedTables();
    // A partitioned table has no storage of its own: these commands only set defaults for new partitions.
    const isNewOrPartitioned = (rv: RangeVar | undefined) => ctx.isNewTable(rv) || partitioned.has(ctx.schema, rv);
    const report = (stmt: Statement, range: TextRange, operation: string, table: string) =>
      ctx.report({ stmt, range, messageId: 'rewrite', data: { operation, table, lock: describeLock('AccessExclusiveLock', table) } });

    return {
      VacuumStmt(vacuum, stmt) {
        if (!vacuum.is_vacuumcmd || !optionEnabled(vacuum.options, 'full')) return;
        const relations = (vacuum.rels ?? []).map((r) => (r as { VacuumRelation?: VacuumRelation }).VacuumRelation?.relation);
        if (relations.length === 0) {
          report(stmt, stmt.range, 'VACUUM FULL', 'every table in the database');
          return;
        }
        const existing = relations.filter((rv) => !isNewOrPartitioned(rv));
        if (existing.length === 0) return;
        const last = relations[relations.length - 1];
        report(stmt, headRange(stmt, last?.location), 'VACUUM FULL', existing.map(relationLabel).join(', '));
      },
      ClusterStmt(cluster, stmt) {
        if (!cluster.relation) {
          report(stmt, stmt.range, 'CLUSTER', 'every table clustered before');
          return;
        }
        if (isNewOrPartitioned(cluster.relation)) return;
        report(stmt, headRange(stmt, cluster.relation.location), 'CLUSTER', relationLabel(cluster.relation));
      },
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' && alter.objtype !== 'OBJECT_MATVIEW') return;
        if (isNewOrPartitioned(alter.relation)) return;
        (alter.cmds ?? []).forEach((c, i) => {
          const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
          const operation = cmd?.subtype ? REWRITING_COMMANDS[cmd.subtype] : undefined;
          if (operation) report(stmt, alterCommandRange(stmt, alter.relation?.location, i), operation, relationLabel(alter.relation));
        });
      },
      AlterTableMoveAllStmt(move, stmt) {
        if (move.objtype !== 'OBJECT_TABLE' && move.objtype !== 'OBJECT_MATVIEW') return;
        report(stmt, firstLineRange(stmt), 'SET TABLESPACE', `every table in tablespace ${move.orig_tablespacename ?? '?'}`);
      },
      any(stmt) {
        partitioned.observe(stmt);
      },
    };
  },
});
