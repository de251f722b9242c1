import attachPartition from '../attach-partition';
import createIndexConcurrently from '../create-index-concurrently';
import type { Rule } from '../define';
import detachPartition from '../detach-partition';
import domainConstraint from '../domain-constraint';
import dropIndexConcurrently from '../drop-index-concurrently';
import enumAddValue from '../enum-add-value';
import fkMissingIndex from '../fk-missing-index';
import jsonColumn from '../json-column';
import partitionedIndex from '../partitioned-index';
import refreshMatview from '../refresh-matview';
import reindexConcurrently from '../reindex-concurrently';
import tableRewrite from '../table-rewrite';
import truncate from '../truncate';

/** Locking and rewrites: indexes, partitions, whole-table operations, types and domains. */
export const LOCKING_RULES: Rule[] = [
  createIndexConcurrently,
  dropIndexConcurrently,
  reindexConcurrently,
  partitionedIndex,
  attachPartition,
  detachPartition,
  tableRewrite,
  refreshMatview,
  truncate,
  domainConstraint,
  fkMissingIndex,
  jsonColumn,
  enumAddValue,
];
