import constrainBeforeBackfill from '../constrain-before-backfill';
import contractWithoutExpand from '../contract-without-expand';
import type { Rule } from '../define';
import dropSyncTriggerUnverified from '../drop-sync-trigger-unverified';
import duplicateVersion from '../duplicate-version';
import expandAndContractSameMigration from '../expand-and-contract-same-migration';
import missingDownMigration from '../missing-down-migration';
import modifiedAppliedMigration from '../modified-applied-migration';
import outOfOrderVersion from '../out-of-order-version';

/** Across migrations and the migration history: rules that need the replayed history. */
export const HISTORY_RULES: Rule[] = [
  contractWithoutExpand,
  expandAndContractSameMigration,
  constrainBeforeBackfill,
  dropSyncTriggerUnverified,
  duplicateVersion,
  outOfOrderVersion,
  modifiedAppliedMigration,
  missingDownMigration,
];
