/**
 * CASCADE on DROP or TRUNCATE removes (or empties) whatever depends on the target: views, foreign
 * keys, triggers, defaults, referencing tables. Nobody reviewed that list; the database decides it
 * when the migration runs, possibly on objects added since the migration was written.
 */
import type { RangeVar } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { firstLineRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';
import { droppedObjects, listPhrase } from './helpers/drop-objects';
import { lastKeywordRange } from './helpers/statement-tokens';

export default defineRule({
  id: 'drop-cascade',
  meta: {
    category: 'data-loss',
    severity: 'warning',
    summary: 'CASCADE silently drops or empties every object that depends on the target.',
    messages: {
      cascade:
        'CASCADE also drops every object that depends on {{target}} (views, foreign keys, triggers, column defaults …) without naming them, taking an ACCESS EXCLUSIVE lock on each table involved (which blocks reads and writes); what disappears is decided when the migration runs, not in review.',
      truncateCascade:
        'TRUNCATE … CASCADE also empties every table with a foreign key to {{target}}, and the tables referencing those, without naming them; each is locked ACCESS EXCLUSIVE (which blocks reads and writes) and loses all its rows.',
    },
    help: 'Drop (or truncate) the dependent objects explicitly first, then run the statement without CASCADE: it then fails instead of silently removing something nobody reviewed.',
    fix: 'none',
  },
  check(ctx) {
    const cascadeRange = (stmt: Statement, within?: TextRange): TextRange =>
      lastKeywordRange(stmt, 'CASCADE', within?.start, within?.end) ?? firstLineRange(stmt);
    return {
      DropStmt(drop, stmt) {
        if (drop.behavior !== 'DROP_CASCADE') return;
        const objects = droppedObjects(drop);
        // Tables created earlier in this file can only have dependents created in this file too.
        if (drop.removeType === 'OBJECT_TABLE' && objects.every((o) => ctx.isNewTable(o.key))) return;
        const target = listPhrase(objects.map((o) => o.label).filter(Boolean)) || 'the dropped objects';
        ctx.report({ stmt, range: cascadeRange(stmt), messageId: 'cascade', data: { target } });
      },
      TruncateStmt(truncate, stmt) {
        if (truncate.behavior !== 'DROP_CASCADE') return;
        const relations = (truncate.relations ?? []).map((n) => (n as { RangeVar?: RangeVar }).RangeVar);
        if (relations.every((r) => ctx.isNewTable(r))) return;
        ctx.report({ stmt, range: cascadeRange(stmt), messageId: 'truncateCascade', data: { target: listPhrase(relations.map(relationLabel)) } });
      },
      AlterTableStmt(alter, stmt) {
        if (ctx.isNewTable(alter.relation)) return;
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.behavior !== 'DROP_CASCADE') continue;
          const what = cmd.subtype === 'AT_DropColumn' ? 'column' : cmd.subtype === 'AT_DropConstraint' ? 'constraint' : undefined;
          if (!what) continue;
          const target = `${what} ${cmd.name ?? ''} of ${relationLabel(alter.relation)}`;
          ctx.report({ stmt, range: cascadeRange(stmt, command.range), messageId: 'cascade', data: { target } });
        }
      },
      AlterDomainStmt(domain, stmt) {
        if (domain.behavior !== 'DROP_CASCADE' || domain.subtype !== 'X') return;
        ctx.report({ stmt, range: cascadeRange(stmt), messageId: 'cascade', data: { target: `constraint ${domain.name ?? ''}` } });
      },
      DropOwnedStmt(owned, stmt) {
        if (owned.behavior !== 'DROP_CASCADE') return;
        const roles = (owned.roles ?? []).map((r) => (r as { RoleSpec?: { rolename?: string } }).RoleSpec?.rolename ?? 'the role');
        ctx.report({ stmt, range: cascadeRange(stmt), messageId: 'cascade', data: { target: `everything owned by ${listPhrase(roles)}` } });
      },
    };
  },
});
