/**
 * A linted history that stays up to date cheaply while one file is edited.
 *
 * Every migration is linted against the schema model the migrations before it built. The index keeps
 * a copy of the model every `snapshotEvery` migrations, and for each migration the state of every
 * object it changed ("effects"). After an edit to migration k it restores the nearest copy, lints k
 * again and compares k's new effects with the old ones: when they are the same (a comment, a lock
 * timeout, an index CONCURRENTLY …) nothing after k can change and k alone is linted. Otherwise it walks
 * on, linting only the later migrations that mention a changed object (or one related to it: a view
 * over a changed table, a table whose trigger calls a changed function …) and merely replaying the
 * others, until the model is the same as before the edit again.
 *
 * Rules that look ahead (a backfill in a later migration) record their questions; a later migration
 * whose answer changed makes the earlier ones that asked be linted again.
 */
import type { ResolvedConfig } from '../config';
import { COPY_DATA, parseFile, SYNTAX_ERROR, type ParseCache, type ParsedFile } from '../dialects/postgres/statement';
import { lint, type LintResult } from '../lint';
import { SchemaModel } from '../schema/model';
import { affectedNames, describeObject, mergeDivergence, symmetricDifference, type Effect } from './divergence';
import { indexedColumns, mentionedNames, relatedKeys, updatedColumns } from './mentions';
import { sectionText } from './section-text';
import { reloadFile } from './reload';
import type { History, Migration, MigrationSource } from './types';
import type { AppliedMigrations, HistoryView } from './view';

export interface MigrationLint {
  migration: Migration;
  result: LintResult;
  /** Statements of this migration the schema model did not follow, per kind (up migrations only). */
  unhandled?: ReadonlyMap<string, number>;
}

export interface HistoryIndexOptions {
  cache?: ParseCache;
  applied?: AppliedMigrations;
  /** A model copy is kept before every n-th migration (default 16): memory against re-lint time. */
  snapshotEvery?: number;
}


interface Entry {
  migration: Migration;
  /** The whole file (all sections). */
  text: string | undefined;
  parsed?: ParsedFile;
  result?: LintResult;
  effects: Map<string, Effect>;
  unhandled: Map<string, number>;
  /** Every name the migration's statements mention (unqualified), computed once per text. */
  names?: Set<string>;
  /** What later-looking rules of earlier migrations may ask about: the columns its UPDATEs set, the indexes it creates. */
  facts?: Set<string>;
  /** The questions its rules asked about later migrations (`laterBackfill`, `laterIndex`). */
  asked: Set<string>;
}

/** Facts and questions: a backfill is asked about exactly; an index by its table (any of its column lists answers). */
const backfillFact = (table: string, column: string) => `backfill\u0000${table}\u0000${column}`;
const indexQuestion = (table: string) => `index\u0000${table}`;
const indexFact = (table: string, columns: readonly string[]) => `${indexQuestion(table)}\u0000${columns.join(',')}`;
const answers = (question: string, fact: string) => fact === question || fact.startsWith(`${question}\u0000`);

export class HistoryIndex {
  private entries: Entry[] = [];
  /** Model before migration i, for i a multiple of snapshotEvery. */
  private snapshots = new Map<number, SchemaModel>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly snapshotEvery: number;
  private finalModel: SchemaModel | undefined;
  private applied: AppliedMigrations | undefined;

  constructor(
    private history: History,
    private readonly source: MigrationSource,
    private readonly config: ResolvedConfig,
    private readonly options: HistoryIndexOptions = {},
  ) {
    this.snapshotEvery = Math.max(1, options.snapshotEvery ?? 16);
    this.applied = options.applied;
    this.lintFrom(0);
  }

  /** Up migrations in order with their findings. */
  results(): MigrationLint[] {
    return this.entries.filter((e) => e.result).map((e) => ({ migration: e.migration, result: e.result!, unhandled: e.unhandled }));
  }

  result(path: string): LintResult | undefined {
    return this.entries.find((e) => e.migration.path === path)?.result;
  }

  /** Statements the model did not understand, per kind, over every migration. */
  unhandled(): Map<string, number> {
    const total = new Map<string, number>();
    for (const e of this.entries) for (const [kind, n] of e.unhandled) total.set(kind, (total.get(kind) ?? 0) + n);
    return total;
  }

  /** The schema after the last migration (a copy is cheap to take from it; do not mutate). */
  schema(): SchemaModel {
    if (!this.finalModel) this.finalModel = this.modelBefore(this.entries.length);
    return this.finalModel;
  }

  /** A fresh copy of the schema as it stands before the migration at `path` (for hovers and single-file lints). */
  schemaBefore(path: string): SchemaModel | undefined {
    const i = this.entries.findIndex((e) => e.migration.path === path);
    return i < 0 ? undefined : this.modelBefore(i);
  }

  getHistory(): History {
    return this.history;
  }

  /**
   * The text of a file changed (an editor buffer; undefined: read it from the source again). Returns
   * the paths of the migrations whose findings were recomputed.
   */
  update(path: string, text?: string): string[] {
    this.texts.set(path, text ?? this.source.read(path));
    // Sections and transaction markers move with the text: read the file as its framework does.
    const overlay: MigrationSource = { list: () => this.source.list(), read: (p) => this.text(p) };
    const next = reloadFile(this.history, overlay, this.files(), path);
    const shape = (h: History) => h.migrations.map((m) => `${m.path}\u0000${m.version}`).join('\n');
    const downs = (h: History) => [...h.downs].map(([v, m]) => `${v}\u0000${m.path}`).sort().join('\n');
    if (shape(next) !== shape(this.history) || downs(next) !== downs(this.history)) return this.setHistory(next);
    const old = this.history.migrations;
    this.history = next;
    next.migrations.forEach((m, i) => {
      this.entries[i].migration = m;
    });
    const changed = next.migrations.flatMap((m, i) => (m.path === path || !sameMigration(m, old[i]) ? [i] : []));
    if (changed.length === 0) return [];
    const relinted = this.relintFrom(changed[0]);
    // Later parts of the same file (Liquibase changesets) moved: their findings' offsets changed.
    return [...new Set([...relinted, ...this.relintOnly(changed.slice(1))])];
  }

  private fileList: string[] | undefined;

  private files(): string[] {
    this.fileList ??= this.source.list();
    return this.fileList;
  }

  /** The files of the history changed (added, removed, renamed): re-lints from the first difference. */
  setHistory(history: History): string[] {
    this.fileList = undefined;
    const old = this.history;
    this.history = history;
    let first = 0;
    while (first < old.migrations.length && first < history.migrations.length && sameMigration(old.migrations[first], history.migrations[first])) first++;
    const changedDowns = new Set<string>();
    for (const v of new Set([...old.downs.keys(), ...history.downs.keys()])) if (old.downs.get(v)?.path !== history.downs.get(v)?.path) changedDowns.add(v);
    const relinted = first < history.migrations.length || first < old.migrations.length ? this.lintFrom(first) : [];
    // Up migrations whose down appeared or went away (missing-down-migration).
    for (let i = 0; i < Math.min(first, this.entries.length); i++) {
      if (changedDowns.has(this.entries[i].migration.version)) relinted.push(...this.relintOnly([i]));
    }
    return relinted;
  }

  /** New merged/applied state (another base ref, a fresh database history): every migration is linted again. */
  setApplied(applied: AppliedMigrations | undefined): string[] {
    this.applied = applied;
    return this.lintFrom(0);
  }

  // ---- linting ---------------------------------------------------------------------------------

  private text(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, this.source.read(path));
    return this.texts.get(path);
  }

  private newEntry(migration: Migration): Entry {
    return { migration, text: this.text(migration.path), effects: new Map(), unhandled: new Map(), asked: new Set() };
  }

  /** Lints every migration from position `from` on, as the first run does. */
  private lintFrom(from: number): string[] {
    const migrations = this.history.migrations;
    this.entries = [...this.entries.slice(0, from), ...migrations.slice(from).map((m) => this.newEntry(m))];
    for (const i of [...this.snapshots.keys()]) if (i > from) this.snapshots.delete(i);
    const model = this.modelBefore(from);
    for (let i = from; i < this.entries.length; i++) {
      this.snapshot(i, model);
      this.lintEntry(i, model);
    }
    this.finalModel = model;
    return this.entries.slice(from).map((e) => e.migration.path);
  }

  private relintFrom(k: number): string[] {
    const entry = this.entries[k];
    const before = { effects: entry.effects, facts: entry.facts };
    entry.text = this.text(entry.migration.path);
    entry.parsed = entry.names = entry.facts = undefined;
    const model = this.modelBefore(k);
    this.lintEntry(k, model);
    const relinted = [entry.migration.path];
    // Earlier migrations that asked about backfills or indexes this one no longer (or now) has.
    const flipped = [...symmetricDifference(before.facts ?? new Set(), this.facts(k))];
    if (flipped.length) {
      const askers = this.entries.slice(0, k).flatMap((e, i) => ([...e.asked].some((q) => flipped.some((f) => answers(q, f))) ? [i] : []));
      relinted.push(...this.relintOnly(askers));
    }
    const diverged = new Map<string, Effect>();
    mergeDivergence(diverged, before.effects, entry.effects);
    if (diverged.size === 0) return relinted;
    // The model after k differs: walk on until it is the same as before the edit again.
    let i = k + 1;
    for (; i < this.entries.length && diverged.size > 0; i++) {
      const next = this.entries[i];
      if (i % this.snapshotEvery === 0) this.snapshots.set(i, model.clone());
      const old = next.effects;
      if (this.mentionsAny(i, affectedNames(diverged))) {
        this.lintEntry(i, model);
        relinted.push(next.migration.path);
        mergeDivergence(diverged, old, next.effects);
      } else {
        // It mentions nothing that changed (nor anything related), so it changes the same objects in
        // the same way as before: its recorded effects still hold and need not be described again.
        this.applyEntry(next, model);
        model.settleFile();
        model.takeChanges();
      }
    }
    if (i >= this.entries.length) this.finalModel = model;
    else this.finalModel = undefined;
    return relinted;
  }

  /** Lints the given migrations again without touching the model chain (only findings can change). */
  private relintOnly(indexes: number[]): string[] {
    for (const i of indexes) this.lintEntry(i, this.modelBefore(i));
    return indexes.map((i) => this.entries[i].migration.path);
  }

  private lintEntry(i: number, model: SchemaModel): void {
    const entry = this.entries[i];
    const { migration } = entry;
    const before = new Map(model.unhandled);
    model.takeChanges();
    entry.asked = new Set();
    if (entry.text === undefined) {
      entry.result = undefined;
    } else {
      entry.result = lint(sectionText(entry.text, migration), {
        config: this.config,
        cache: this.options.cache,
        schema: model,
        migration,
        history: this.view(i),
        // The framework decides; only for plain files does the configuration say how the runner works.
        runsInTransaction: migration.transaction === 'none' ? this.history.framework === 'plain' && this.config.assumeInTransaction : true,
      });
      entry.parsed = entry.result.file;
    }
    this.finishEntry(entry, model, before);
  }

  /** The statements lint() applies: all but syntax errors and broken COPY data (and nothing of a binary file). */
  private applyEntry(entry: Entry, model: SchemaModel): void {
    const parsed = this.parsed(entry);
    if (!parsed || parsed.text.includes('\u0000')) return;
    model.migration = { path: entry.migration.path, version: entry.migration.version };
    for (const stmt of parsed.statements) if (!(stmt.kind === SYNTAX_ERROR || (stmt.kind === COPY_DATA && stmt.error))) model.apply(stmt, 'current-file');
  }

  private finishEntry(entry: Entry, model: SchemaModel, unhandledBefore: Map<string, number>): void {
    model.settleFile();
    entry.effects = new Map();
    for (const key of model.takeChanges()) entry.effects.set(key, { state: describeObject(model, key), related: relatedKeys(model, key) });
    entry.unhandled = new Map();
    for (const [kind, n] of model.unhandled) {
      const delta = n - (unhandledBefore.get(kind) ?? 0);
      if (delta > 0) entry.unhandled.set(kind, delta);
    }
  }

  private snapshot(i: number, model: SchemaModel): void {
    if (i % this.snapshotEvery === 0) this.snapshots.set(i, model.clone());
  }

  /** A fresh model as it stands before migration i: the nearest copy, then the migrations in between replayed. */
  private modelBefore(i: number): SchemaModel {
    let start = i - (i % this.snapshotEvery);
    while (start > 0 && !this.snapshots.has(start)) start -= this.snapshotEvery;
    const model = this.snapshots.get(start)?.clone() ?? new SchemaModel();
    for (let j = start; j < i; j++) {
      this.applyEntry(this.entries[j], model);
      model.settleFile();
    }
    model.takeChanges();
    return model;
  }

  private parsed(entry: Entry): ParsedFile | undefined {
    if (entry.text === undefined) return undefined;
    entry.parsed ??= parseFile(sectionText(entry.text, entry.migration), this.options.cache);
    return entry.parsed;
  }

  private mentionsAny(i: number, names: Set<string>): boolean {
    const entry = this.entries[i];
    entry.names ??= mentionedNames(this.parsed(entry)?.statements ?? []);
    for (const n of names) if (entry.names.has(n)) return true;
    return false;
  }

  private facts(i: number): Set<string> {
    const entry = this.entries[i];
    if (!entry.facts) {
      const statements = this.parsed(entry)?.statements ?? [];
      entry.facts = new Set([...updatedColumns(statements).map((u) => backfillFact(u.table, u.column)), ...indexedColumns(statements).map((x) => indexFact(x.table, x.columns))]);
    }
    return entry.facts;
  }

  private view(i: number): HistoryView {
    const history = this.history;
    return {
      framework: history.framework,
      migrations: history.migrations,
      downs: history.downs,
      index: i,
      applied: this.applied,
      text: (path) => this.text(path),
      statements: (migration) => {
        const entry = this.entries.find((e) => e.migration === migration);
        if (entry) return this.parsed(entry)?.statements ?? [];
        const text = this.text(migration.path);
        return text === undefined ? [] : parseFile(sectionText(text, migration), this.options.cache).statements;
      },
      laterBackfill: (table, column) => {
        const question = backfillFact(table, column);
        this.entries[i]?.asked.add(question);
        for (let j = i + 1; j < this.entries.length; j++) if (this.facts(j).has(question)) return this.entries[j].migration;
        return undefined;
      },
      laterIndex: (table, leading) => {
        const question = indexQuestion(table);
        this.entries[i]?.asked.add(question);
        for (let j = i + 1; j < this.entries.length; j++) {
          for (const fact of this.facts(j)) {
            if (!answers(question, fact)) continue;
            const columns = fact.slice(question.length + 1).split(',');
            if (leadsWith(columns, leading)) return this.entries[j].migration;
          }
        }
        return undefined;
      },
    };
  }
}

/** True when the index's first columns are exactly `leading`, in any order (what a foreign key lookup needs). */
function leadsWith(columns: readonly string[], leading: readonly string[]): boolean {
  if (columns.length < leading.length) return false;
  const first = new Set(columns.slice(0, leading.length));
  return leading.every((c) => first.has(c));
}

function sameMigration(a: Migration, b: Migration): boolean {
  return a.path === b.path && a.version === b.version && a.transaction === b.transaction && JSON.stringify(a.sections) === JSON.stringify(b.sections);
}
