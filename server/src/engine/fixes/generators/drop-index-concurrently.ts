/**
 * DROP INDEX → DROP INDEX CONCURRENTLY IF EXISTS in a migration of its own that runs outside a
 * transaction: the rule's in-place autofix is no help where the runner wraps the file in one.
 * CONCURRENTLY takes one index, no CASCADE, and cannot drop an index behind a constraint or on a
 * partitioned table: those get no plan, as the rule offers no autofix for them.
 */
import type { Node } from '@pgsql/types';
import { nodePayload, qualifiedKey, stringList } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import { indexOwner, tableLabel } from '../../rules/helpers/index-owner';
import type { Generator } from '../generator';
import { forEachStatementBefore, schemaBefore } from '../schema-at';
import { quoteIdent, removeStatement } from '../sql';
import type { PlanContext } from '../types';

export const dropIndexConcurrently: Generator = {
  rule: 'drop-index-concurrently',
  draft({ stmt, text, statements, ctx }) {
    const drop = stmt.as('DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent || drop.objects?.length !== 1 || drop.behavior === 'DROP_CASCADE') return null;
    const parts = stringList(nodePayload<{ items?: Node[] }>(drop.objects[0])?.items);
    if (!parts.length) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const owner = indexOwner(schema, parts);
    if (owner.constraint) return null;
    if (owner.tableKey && schema.table(owner.tableKey)?.partitioned === true) return null;
    const index = parts.map(quoteIdent).join('.');
    const key = qualifiedKey(parts);
    const label = parts.join('.');
    const table = owner.tableKey ? tableLabel(owner.tableKey) : "the index's table";
    return {
      title: `Drop ${label} concurrently in a migration of its own, outside a transaction`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `drop index ${parts[parts.length - 1]} concurrently`,
          up: `DROP INDEX CONCURRENTLY IF EXISTS ${index};`,
          down: definitionBefore(ctx, stmt, statements, key) ?? `-- To undo, recreate ${label} with CREATE INDEX CONCURRENTLY, as its migration defined it.`,
          nonTransactional: true,
        },
      ],
      phases: [
        {
          name: 'contract',
          step: 0,
          summary: `DROP INDEX CONCURRENTLY removes ${label} while reads and writes go on; it waits for transactions using the index to finish.`,
          lock: describeLock('ShareUpdateExclusiveLock', table),
        },
      ],
      notes: ['If the concurrent drop is interrupted it can leave the index INVALID: run DROP INDEX CONCURRENTLY IF EXISTS again.'],
    };
  },
};

/**
 * The CREATE INDEX that made the index, as CREATE INDEX CONCURRENTLY IF NOT EXISTS: the down that
 * brings it back. The schema model keeps an index's columns, not its definition (WHERE, INCLUDE,
 * operator classes), so the statement is read from the history; a later DROP or RENAME of the index
 * forgets it, since the text may no longer describe it.
 */
function definitionBefore(ctx: PlanContext, stmt: Statement, statements: Statement[], key: string): string | undefined {
  let definition: string | undefined;
  const observe = (s: Statement) => {
    const create = s.as('IndexStmt');
    if (create?.idxname) {
      if (`${create.relation?.schemaname ?? 'public'}.${create.idxname}` === key && !(create.if_not_exists && definition)) definition = concurrentForm(s);
      return;
    }
    const drop = s.as('DropStmt');
    if (drop?.removeType === 'OBJECT_INDEX' && (drop.objects ?? []).some((o) => qualifiedKey(stringList(nodePayload<{ items?: Node[] }>(o)?.items)) === key)) definition = undefined;
    const rename = s.as('RenameStmt');
    if (rename?.renameType === 'OBJECT_INDEX' && rename.relation) {
      const from = `${rename.relation.schemaname ?? 'public'}.${rename.relation.relname ?? ''}`;
      const to = `${rename.relation.schemaname ?? 'public'}.${rename.newname ?? ''}`;
      if (from === key || to === key) definition = undefined;
    }
  };
  forEachStatementBefore(ctx, stmt, statements, observe);
  return definition;
}

/** `CREATE [UNIQUE] INDEX name …` → `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS name …`. */
function concurrentForm(create: Statement): string | undefined {
  const index = create.as('IndexStmt');
  const tokens = create.codeTokens();
  const indexWord = tokens.findIndex((t) => t.name === 'INDEX');
  if (!index || indexWord < 0) return undefined;
  let at = tokens[indexWord].end;
  let insert = '';
  if (!index.concurrent) insert += ' CONCURRENTLY';
  else at = tokens[indexWord + 1].end;
  if (!index.if_not_exists) insert += ' IF NOT EXISTS';
  const text = create.text;
  const offset = create.range.start;
  return `${text.slice(0, at - offset)}${insert}${text.slice(at - offset)};`;
}
