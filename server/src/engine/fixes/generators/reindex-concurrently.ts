/**
 * REINDEX INDEX/TABLE → REINDEX … CONCURRENTLY (PostgreSQL 12+) in a migration of its own that runs
 * outside a transaction. The `REINDEX TABLE CONCURRENTLY name` form is the one every version from 12
 * accepts (CONCURRENTLY inside the parenthesised options only arrived in 14).
 */
import type { DefElem } from '@pgsql/types';
import { relationKey, relationLabel } from '../../dialects/postgres/ast';
import { describeLock } from '../../locks/modes';
import { indexOwner, tableLabel } from '../../rules/helpers/index-owner';
import { DEFAULT_SERVER_VERSION } from '../../config';
import type { Generator } from '../generator';
import { schemaBefore } from '../schema-at';
import { removeStatement } from '../sql';

export const reindexConcurrently: Generator = {
  rule: 'reindex-concurrently',
  draft({ stmt, text, statements, ctx }) {
    const reindex = stmt.as('ReindexStmt');
    // An option list that switches CONCURRENTLY off is left to a person: adding it as well would contradict it.
    const mentionsConcurrently = (reindex?.params ?? []).some((p) => (p as { DefElem?: DefElem }).DefElem?.defname?.toLowerCase() === 'concurrently');
    if (!reindex?.relation?.relname || mentionsConcurrently) return null;
    if (reindex.kind !== 'REINDEX_OBJECT_TABLE' && reindex.kind !== 'REINDEX_OBJECT_INDEX') return null;
    const { major, minor } = ctx.config?.serverVersion ?? DEFAULT_SERVER_VERSION;
    // Before 12 there is no CONCURRENTLY; 14.0–14.3 can corrupt the index it rebuilds concurrently.
    if (major < 12 || (major === 14 && minor < 4)) return null;
    const schema = schemaBefore(ctx, stmt, statements);
    const rv = reindex.relation;
    const tableKey = reindex.kind === 'REINDEX_OBJECT_TABLE' ? relationKey(rv) : indexOwner(schema, rv.schemaname ? [rv.schemaname, rv.relname!] : [rv.relname!]).tableKey;
    // PostgreSQL 12 and 13 cannot reindex a partitioned table or index at all.
    if (major < 14 && tableKey && schema.table(tableKey)?.partitioned === true) return null;
    const tokens = stmt.codeTokens();
    const kindWord = tokens.findIndex((t) => t.name === (reindex.kind === 'REINDEX_OBJECT_TABLE' ? 'TABLE' : 'INDEX'));
    if (kindWord < 0) return null;
    const at = tokens[kindWord].end;
    const sql = `${text.slice(stmt.range.start, at)} CONCURRENTLY${text.slice(at, stmt.range.end)};`;
    const target = relationLabel(rv);
    const table = tableKey ? tableLabel(tableKey) : "the index's table";
    const what = reindex.kind === 'REINDEX_OBJECT_TABLE' ? `the indexes of ${target}` : `index ${target}`;
    return {
      title: `Rebuild ${what} concurrently in a migration of its own, outside a transaction`,
      edits: [removeStatement(text, stmt)],
      steps: [
        {
          name: `reindex ${rv.relname} concurrently`,
          up: sql,
          down: '-- Nothing to undo: REINDEX changes no definition.',
          nonTransactional: true,
        },
      ],
      phases: [
        {
          name: 'build',
          step: 0,
          summary: `REINDEX CONCURRENTLY builds a new copy of ${what} while reads and writes go on, then swaps it in; it waits for transactions older than itself.`,
          lock: describeLock('ShareUpdateExclusiveLock', table),
        },
      ],
      notes: [
        'If the concurrent rebuild fails it leaves an INVALID index named …_ccnew behind: drop it (DROP INDEX CONCURRENTLY) before running the migration again.',
      ],
    };
  },
};
