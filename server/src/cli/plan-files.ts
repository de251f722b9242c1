/**
 * Multi-file rewrite plans for `fix --suggestions`: a finding whose rule has a plan (a statement that
 * must move to a migration of its own, a backfill between deploys) becomes new migration files plus
 * edits to the current one. Plans are applied to an in-memory overlay of the history folder first, so
 * that a second plan sees the files the first one created and takes the next version after them;
 * nothing touches the disk until the caller writes the overlay out.
 */
import {
  lintHistory,
  loadHistory,
  planFor,
  PLANNED_RULES,
  type MigrationSource,
  type ResolvedConfig,
  type RewritePlan,
} from '../engine/index';
import type { TextEdit } from '../engine/types';
import { FolderMigrationSource } from '../node/migration-source';

/** The files of one history folder as the applied plans leave them (relative path → new text). */
export class PlannedFolder {
  /** Files changed or created by plans, relative to the folder. */
  readonly changed = new Map<string, string>();
  /** The subset of `changed` that did not exist on disk. */
  readonly created = new Set<string>();
  /** Files already written or shown, so that the next file's rewrites do not repeat them. */
  readonly emitted = new Set<string>();
  private readonly disk: FolderMigrationSource;

  constructor(readonly folder: string) {
    this.disk = new FolderMigrationSource(folder);
  }

  /** The folder with the plans' changes laid over it. */
  source(): MigrationSource {
    return {
      list: () => [...new Set([...this.disk.list(), ...this.created])].sort(),
      read: (path) => this.changed.get(path) ?? this.disk.read(path),
    };
  }

  read(path: string): string | undefined {
    return this.source().read(path);
  }
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, edit.range.start) + edit.newText + out.slice(edit.range.end);
  return out;
}

/**
 * The plan for the first planned finding of `path` (relative to the folder), with the overlay's text
 * for it, or null when none of its findings has one. Files linted in several sections (up and down in
 * one file) are left alone, as fix does for autofixes.
 */
export function firstPlan(planned: PlannedFolder, path: string, config: ResolvedConfig, now: Date): RewritePlan | null {
  const source = planned.source();
  const text = source.read(path);
  if (text === undefined) return null;
  const history = loadHistory(source, config.framework);
  const mine = lintHistory(history, source, config).migrations.filter((m) => m.migration.path === path);
  if (mine.length !== 1) return null;
  const { migration, result } = mine[0];
  for (const finding of result.findings) {
    if (!PLANNED_RULES.has(finding.rule)) continue;
    const plan = planFor(finding, { history, source, migration, text, now, config });
    if (plan) return plan;
  }
  return null;
}

/** Lays the plan over the folder: the current file edited, new files (with markers and downs) and other edits. */
export function applyPlan(planned: PlannedFolder, path: string, plan: RewritePlan): void {
  const set = (p: string, text: string, create: boolean) => {
    if (create) {
      if (planned.read(p) !== undefined) throw new Error(`the plan creates ${p}, which already exists`);
      planned.created.add(p);
    }
    planned.changed.set(p, text);
  };
  set(path, applyTextEdits(planned.read(path) ?? '', plan.edits), false);
  for (const file of [...plan.newFiles, ...plan.downFiles]) {
    set(file.path, file.content, true);
    for (const marker of file.markerFiles ?? []) set(marker.path, marker.content, true);
  }
  for (const other of plan.otherEdits) set(other.path, applyTextEdits(planned.read(other.path) ?? '', other.edits), planned.read(other.path) === undefined);
}
