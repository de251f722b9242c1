/**
 * The schema model as it stands before a statement of the current migration: the caller's model of
 * the history before the migration (or one replayed here from the history), plus the migration's own
 * earlier statements. Plans that need primary keys and column types read it.
 */
import { parseFile, type Statement } from '../dialects/postgres/statement';
import { sectionText } from '../history/section-text';
import { SchemaModel } from '../schema/model';
import type { PlanContext } from './types';

export function schemaBefore(ctx: PlanContext, stmt: Statement, statements: Statement[]): SchemaModel {
  const schema = ctx.schema ? ctx.schema.clone() : replayHistory(ctx);
  for (const earlier of statements) {
    if (earlier.index >= stmt.index) break;
    schema.apply(earlier, 'current-file');
  }
  return schema;
}

/** The schema after every migration before the current one, in the framework's order. */
function replayHistory(ctx: PlanContext): SchemaModel {
  const schema = new SchemaModel();
  forEachEarlierMigration(ctx, (statements) => {
    for (const stmt of statements) schema.apply(stmt, 'history');
    schema.settleFile();
  });
  return schema;
}

/** Calls `visit` with the statements of each migration before the current one, in the framework's order. */
function forEachEarlierMigration(ctx: PlanContext, visit: (statements: Statement[]) => void): void {
  for (const migration of ctx.history.migrations) {
    if (migration === ctx.migration || (migration.path === ctx.migration.path && migration.sections[0]?.start === ctx.migration.sections[0]?.start)) break;
    const text = ctx.source.read(migration.path);
    if (text !== undefined) visit(parseFile(sectionText(text, migration)).statements);
  }
}

/**
 * Every statement before `stmt`: the earlier migrations' and then the current migration's own, for
 * plans that need what the schema model does not keep (a partition key, an index's whole definition).
 */
export function forEachStatementBefore(ctx: PlanContext, stmt: Statement, statements: Statement[], visit: (s: Statement) => void): void {
  forEachEarlierMigration(ctx, (earlier) => earlier.forEach(visit));
  for (const earlier of statements) {
    if (earlier.index >= stmt.index) break;
    visit(earlier);
  }
}
