/**
 * planFor: the multi-step safe rewrite for a finding, laid out as the history's framework names and
 * runs migrations. Plans are computed from the finding and its statement; rules stay unaware of them.
 */
import { parseFile } from '../dialects/postgres/statement';
import { sectionText } from '../history/section-text';
import type { Finding, TextEdit } from '../types';
import { addColumnInlineConstraint } from './generators/add-column-inline-constraint';
import { addColumnNotNullNoDefault } from './generators/add-column-not-null-no-default';
import { addColumnSerial } from './generators/add-column-serial';
import { addColumnStoredGenerated } from './generators/add-column-stored-generated';
import { addColumnVolatileDefault } from './generators/add-column-volatile-default';
import { addPrimaryKey } from './generators/add-primary-key';
import { addUniqueConstraint } from './generators/add-unique-constraint';
import { alterColumnType } from './generators/alter-column-type';
import { attachPartition } from './generators/attach-partition';
import { concurrentlyInTransaction } from './generators/concurrently-in-transaction';
import { constraintNotValid } from './generators/constraint-not-valid';
import { createIndexConcurrently } from './generators/create-index-concurrently';
import { detachPartition } from './generators/detach-partition';
import { domainConstraint } from './generators/domain-constraint';
import { dropIndexConcurrently } from './generators/drop-index-concurrently';
import { enumAddValue } from './generators/enum-add-value';
import { expandAndContractSameMigration } from './generators/expand-and-contract-same-migration';
import { fkMissingIndex } from './generators/fk-missing-index';
import { mixedDdlDml } from './generators/mixed-ddl-dml';
import { partitionedIndex } from './generators/partitioned-index';
import { reindexConcurrently } from './generators/reindex-concurrently';
import { renameColumn } from './generators/rename-column';
import { renameTable } from './generators/rename-table';
import { setNotNull } from './generators/set-not-null';
import { unbatchedBackfill } from './generators/unbatched-backfill';
import { validateSameTransaction } from './generators/validate-same-transaction';
import type { Generator } from './generator';
import { layOutSteps } from './naming';
import { withLockTimeout } from './step-lock-timeout';
import type { PlanContext, RewritePlan } from './types';

export const GENERATORS: readonly Generator[] = [
  createIndexConcurrently,
  constraintNotValid,
  setNotNull,
  addUniqueConstraint,
  renameColumn,
  attachPartition,
  partitionedIndex,
  renameTable,
  addColumnVolatileDefault,
  addPrimaryKey,
  addColumnInlineConstraint,
  fkMissingIndex,
  alterColumnType,
  addColumnSerial,
  addColumnStoredGenerated,
  addColumnNotNullNoDefault,
  expandAndContractSameMigration,
  unbatchedBackfill,
  mixedDdlDml,
  validateSameTransaction,
  concurrentlyInTransaction,
  enumAddValue,
  dropIndexConcurrently,
  reindexConcurrently,
  detachPartition,
  domainConstraint,
];

/** Rule ids that have a multi-step rewrite. */
export const PLANNED_RULES: ReadonlySet<string> = new Set(GENERATORS.map((g) => g.rule));

/** True when the edits remove every statement of the migration (its sections). */
function leftEmpty(text: string, edits: TextEdit[]): boolean {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, edit.range.start) + edit.newText + out.slice(edit.range.end);
  return parseFile(out).statements.length === 0;
}

/** The rewrite for the finding, or null when there is none for its rule or statement. */
export function planFor(finding: Finding, ctx: PlanContext): RewritePlan | null {
  const generator = GENERATORS.find((g) => g.rule === finding.rule);
  if (!generator) return null;
  const text = sectionText(ctx.text, ctx.migration);
  const { statements } = parseFile(text);
  const stmt = statements.find((s) => s.range.start <= finding.range.start && finding.range.start < Math.max(s.range.end, s.range.start + 1));
  if (!stmt?.node) return null;
  const draft = generator.draft({ finding, stmt, text, statements, ctx });
  if (!draft) return null;
  // A plain history whose runner wraps every file (assumeInTransaction) has no way to run a step outside one.
  if (ctx.history.framework === 'plain' && ctx.config?.assumeInTransaction && draft.steps.some((s) => s.nonTransactional)) return null;
  const laidOut = layOutSteps(ctx, draft.steps.map((step) => withLockTimeout(step, ctx.history.framework, ctx.config)));
  const emptied = leftEmpty(text, draft.edits) ? [`${ctx.migration.path} has no statements left: delete it unless it has been applied already.`] : [];
  return {
    title: draft.title,
    rule: finding.rule,
    phases: draft.phases.map(({ step, ...phase }) => ({ ...phase, path: step === 'current' ? ctx.migration.path : laidOut.paths[step] })),
    // Liquibase inserts its changesets into the current file: keep edits in file order.
    edits: [...draft.edits, ...laidOut.edits].sort((a, b) => a.range.start - b.range.start),
    newFiles: laidOut.newFiles,
    downFiles: laidOut.downFiles,
    otherEdits: laidOut.otherEdits,
    notes: [...(draft.notes ?? []), ...laidOut.notes, ...emptied],
  };
}
