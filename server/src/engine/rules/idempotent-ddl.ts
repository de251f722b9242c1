/**
 * Outside a transaction, a migration that fails half-way leaves its earlier statements applied, and
 * running it again fails on the first CREATE of something that now exists (or DROP of something now
 * gone). IF [NOT] EXISTS and OR REPLACE make such a migration safe to retry.
 */
import { headRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';
import { DROP_TYPE_WORDS, keywordRun, type KeywordRun } from './helpers/insertion-points';
import { withoutDropBehavior } from './helpers/statement-tokens';

const RETRY = 'fails when a migration that stopped half-way (outside a transaction its earlier statements stay applied) is run again.';

export default defineRule({
  id: 'idempotent-ddl',
  meta: {
    category: 'convention',
    severity: 'off',
    summary: 'CREATE without IF NOT EXISTS (or OR REPLACE) and DROP without IF EXISTS cannot be retried.',
    messages: {
      ifNotExists: `{{what}} without IF NOT EXISTS ${RETRY}`,
      orReplace: `{{what}} without OR REPLACE ${RETRY}`,
      ifExists: `{{what}} without IF EXISTS ${RETRY}`,
      unnamedIndex: 'CREATE INDEX without a name cannot use IF NOT EXISTS: running the migration again after a partial run builds a second copy of the index.',
    },
    help: 'Write CREATE … IF NOT EXISTS, DROP … IF EXISTS and CREATE OR REPLACE (and name every index) so a migration that failed half-way can simply be run again.',
    fix: 'autofix',
  },
  check(ctx) {
    const report = (stmt: Statement, messageId: string, range: TextRange, what: string, insert?: { at: number; text: string }): void => {
      // Inside a transaction a failed migration rolls back completely and can be retried as it is.
      if (ctx.inTransaction()) return;
      const fixes = insert ? [{ title: `Add ${insert.text.trim()}`, kind: 'autofix' as const, edits: [{ range: { start: insert.at, end: insert.at }, newText: insert.text }] }] : [];
      ctx.report({ stmt, range, messageId, data: { what }, fixes });
    };
    /** `<keywords> name`: flag up to the name, insert the guard before it. */
    const beforeName = (stmt: Statement, messageId: string, run: KeywordRun | undefined, range?: TextRange): void => {
      if (!run?.next) return;
      const text = messageId === 'ifNotExists' ? 'IF NOT EXISTS ' : 'IF EXISTS ';
      report(stmt, messageId, range ?? { start: stmt.range.start, end: run.nameEnd }, run.words, { at: run.next.start, text });
    };
    /** `CREATE <object> name` without OR REPLACE: flag up to the name, insert after CREATE. */
    const orReplace = (stmt: Statement, what: string): void => {
      const run = keywordRun(stmt, stmt.range.start, 'CREATE', 1, ['RECURSIVE', 'VIEW']);
      if (run) report(stmt, 'orReplace', { start: stmt.range.start, end: run.nameEnd }, what, { at: stmt.range.start + 'CREATE'.length, text: ' OR REPLACE' });
    };
    const createRelation = (stmt: Statement, what: string, location: number | undefined): void =>
      report(stmt, 'ifNotExists', headRange(stmt, location), what, { at: stmt.offsetOf(location), text: 'IF NOT EXISTS ' });
    return {
      CreateStmt(create, stmt) {
        // Temporary tables live for one session: a retry starts without them.
        if (!create.if_not_exists && create.relation?.relpersistence !== 't') createRelation(stmt, 'CREATE TABLE', create.relation?.location);
      },
      CreateSeqStmt(seq, stmt) {
        if (!seq.if_not_exists && seq.sequence?.relpersistence !== 't') createRelation(stmt, 'CREATE SEQUENCE', seq.sequence?.location);
      },
      CreateTableAsStmt(ctas, stmt) {
        if (ctas.if_not_exists || ctas.into?.rel?.relpersistence === 't') return;
        createRelation(stmt, ctas.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE … AS', ctas.into?.rel?.location);
      },
      IndexStmt(index, stmt) {
        if (index.if_not_exists) return;
        const run = keywordRun(stmt, stmt.range.start, 'CREATE', 0, ['UNIQUE', 'INDEX', 'CONCURRENTLY']);
        if (!run) return;
        if (index.idxname) beforeName(stmt, 'ifNotExists', run);
        else report(stmt, 'unnamedIndex', { start: stmt.range.start, end: run.last.end }, run.words);
      },
      CreateSchemaStmt(schema, stmt) {
        if (!schema.if_not_exists) beforeName(stmt, 'ifNotExists', keywordRun(stmt, stmt.range.start, 'CREATE', 1));
      },
      CreateExtensionStmt(ext, stmt) {
        if (!ext.if_not_exists) beforeName(stmt, 'ifNotExists', keywordRun(stmt, stmt.range.start, 'CREATE', 1));
      },
      ViewStmt(view, stmt) {
        if (!view.replace && view.view?.relpersistence !== 't') orReplace(stmt, 'CREATE VIEW');
      },
      CreateFunctionStmt(fn, stmt) {
        if (!fn.replace) orReplace(stmt, fn.is_procedure ? 'CREATE PROCEDURE' : 'CREATE FUNCTION');
      },
      CreateTrigStmt(trigger, stmt) {
        // CREATE OR REPLACE TRIGGER exists since PostgreSQL 14, and never for constraint triggers.
        if (!trigger.replace && !trigger.isconstraint && ctx.atLeast(14)) orReplace(stmt, 'CREATE TRIGGER');
      },
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE') return;
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.missing_ok || (cmd.subtype !== 'AT_AddColumn' && cmd.subtype !== 'AT_DropColumn' && cmd.subtype !== 'AT_DropConstraint')) continue;
          const range = command.range; // read only for the subcommands this rule looks at: it needs the tokens
          const run =
            cmd.subtype === 'AT_AddColumn' ? keywordRun(stmt, range.start, 'ADD', 0, ['COLUMN'])
            : cmd.subtype === 'AT_DropColumn' ? keywordRun(stmt, range.start, 'DROP', 0, ['COLUMN'])
            : cmd.subtype === 'AT_DropConstraint' ? keywordRun(stmt, range.start, 'DROP', 1)
            : undefined;
          const what = cmd.subtype === 'AT_AddColumn' ? 'ADD COLUMN' : cmd.subtype === 'AT_DropColumn' ? 'DROP COLUMN' : 'DROP CONSTRAINT';
          if (run?.next) beforeName(stmt, cmd.subtype === 'AT_AddColumn' ? 'ifNotExists' : 'ifExists', { ...run, words: what }, { start: range.start, end: run.next.end });
        }
      },
      DropStmt(drop, stmt) {
        const count = drop.removeType ? DROP_TYPE_WORDS[drop.removeType] : undefined;
        if (drop.missing_ok || count === undefined) return;
        // The whole `DROP TABLE a, b` (without CASCADE): one IF EXISTS covers every name.
        beforeName(stmt, 'ifExists', keywordRun(stmt, stmt.range.start, 'DROP', count, ['CONCURRENTLY']), withoutDropBehavior(stmt, stmt.range));
      },
      DropdbStmt(drop, stmt) {
        if (!drop.missing_ok) beforeName(stmt, 'ifExists', keywordRun(stmt, stmt.range.start, 'DROP', 1));
      },
    };
  },
});
