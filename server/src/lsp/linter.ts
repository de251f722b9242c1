/**
 * Lints open documents as they change and publishes diagnostics for the version that was linted.
 *
 * Scheduling: the first change after a quiet period is linted at once (fresh diagnostics within
 * milliseconds); further changes within `lint.debounceMs` of the last lint are coalesced into one lint
 * at the end of that window, so fast typing costs at most one lint per window. The window shrinks to
 * the last lint's duration when that is shorter: a quick lint runs for every change. Every change bumps the
 * document's generation; work for an older generation is dropped, and results are only published
 * when the document still has the version that was linted.
 *
 * Each document keeps its own ParseCache, so a lint after an edit only parses the statements the edit
 * touched. Files above ON_TYPE_CHAR_LIMIT (lint-setup.ts) are linted when opened and saved only.
 */
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, ParseCache, type Finding, type ParsedFile, type ResolvedConfig } from '../engine/index';
import type { DocumentStatus } from '../protocol/requests';
import { DEFAULT_DEBOUNCE_MS } from '../protocol/settings';
import { documentNote, findingToDiagnostic, NOTE_CODES } from './handlers/diagnostics';
import { firstLine, lintSetup, ON_TYPE_CHAR_LIMIT } from './lint-setup';
import type { ProjectConfigCache } from './project-config';
import type { RuleDocs } from './rule-docs';
import type { EditorLayer, SettingsStore } from './settings';

/** While typing, a change waits at most this many times the last lint's duration (and at most the debounce window). */
const TYPING_COST_FACTOR = 1;

/** Room for every statement of a very large file; sweeping after each lint drops older versions' statements. */
const PARSE_CACHE_CAPACITY = 250_000;

export interface LintSnapshot {
  uri: string;
  version: number;
  findings: Finding[];
  diagnostics: Diagnostic[];
  status: DocumentStatus;
  /** The statements linted (for hovers on names). */
  parsed?: ParsedFile;
}

/** Lints documents that belong to a migration history with the schema the earlier migrations built. */
export interface HistoryLinting {
  /** Settles when the document's history is indexed (undefined: lint now). */
  ready(uri: string): Promise<void> | undefined;
  /** The document's findings as a migration of its history, or undefined when it belongs to none. */
  lint(uri: string, text: string, config: ResolvedConfig): { findings: Finding[]; parsed: ParsedFile; affectedUris: string[] } | undefined;
  /** The document was closed: its history reads the file on disk again. */
  closed(uri: string): void;
}

export interface LinterHost {
  documents: { get(uri: string): TextDocument | undefined; all(): TextDocument[] };
  settings: SettingsStore;
  projectConfig: ProjectConfigCache;
  docs: RuleDocs;
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  status(status: DocumentStatus): void;
  log(message: string): void;
  histories?: HistoryLinting;
}

interface DocumentState {
  cache: ParseCache;
  timer?: ReturnType<typeof setTimeout>;
  /** When the last lint after a change finished (performance.now()), for the debounce window. */
  lastRunAt: number;
  /** How long that lint took (ms), which bounds how long a change waits (see typingDelay). */
  lastDurationMs: number;
  generation: number;
  snapshot?: LintSnapshot;
  statusKey?: string;
}

export class DocumentLinter {
  private readonly states = new Map<string, DocumentState>();

  constructor(private readonly host: LinterHost) {}

  /** didOpen and didChange: lint now, or at the end of the debounce window. */
  changed(uri: string): void {
    const doc = this.host.documents.get(uri);
    if (!doc) return;
    const state = this.state(uri);
    if (doc.getText().length > ON_TYPE_CHAR_LIMIT && state.snapshot) {
      // Linted when saved; drop any pending work for the older text.
      state.generation++;
      this.clearTimer(state);
      return;
    }
    this.schedule(uri, state, this.typingDelay(uri, state));
  }

  saved(uri: string): void {
    const doc = this.host.documents.get(uri);
    const state = this.states.get(uri);
    if (doc && state && state.snapshot?.version !== doc.version) this.schedule(uri, state, 0);
  }

  closed(uri: string): void {
    const state = this.states.get(uri);
    if (state) {
      state.generation++;
      this.clearTimer(state);
    }
    this.states.delete(uri);
    this.host.settings.forget(uri);
    this.host.publish(uri, undefined, []);
    this.host.histories?.closed(uri);
  }

  /**
   * Open documents whose findings changed without an edit of theirs (an earlier migration of their
   * history was edited): lint them again now; their last findings are stale.
   */
  refresh(uris: string[]): void {
    for (const uri of uris) {
      if (!this.host.documents.get(uri)) continue;
      const state = this.state(uri);
      state.snapshot = undefined;
      this.schedule(uri, state, 0);
    }
  }

  /** Settings or configuration files changed: lint every open document again. */
  relintAll(): void {
    for (const doc of this.host.documents.all()) this.schedule(doc.uri, this.state(doc.uri), 0);
  }

  /**
   * The findings for the document's current version, linting now if the last lint is older (a hover
   * must never describe text that has changed). Undefined for a large file edited since its last lint.
   */
  async current(uri: string): Promise<LintSnapshot | undefined> {
    const doc = this.host.documents.get(uri);
    if (!doc) return undefined;
    const state = this.state(uri);
    if (state.snapshot?.version === doc.version) return state.snapshot;
    if (doc.getText().length > ON_TYPE_CHAR_LIMIT && state.snapshot) return undefined;
    const settings = await this.host.settings.get(uri);
    const now = this.host.documents.get(uri);
    if (!now || this.states.get(uri) !== state) return undefined;
    return this.lintNow(now, settings, state);
  }

  dispose(): void {
    for (const state of this.states.values()) {
      state.generation++;
      this.clearTimer(state);
    }
    this.states.clear();
  }

  private state(uri: string): DocumentState {
    let state = this.states.get(uri);
    if (!state) {
      state = { cache: new ParseCache(PARSE_CACHE_CAPACITY, { sweep: true }), lastRunAt: -Infinity, lastDurationMs: 0, generation: 0 };
      this.states.set(uri, state);
    }
    return state;
  }

  private typingDelay(uri: string, state: DocumentState): number {
    // Coalescing caps the time spent linting while someone types: a change waits until as long as the
    // last lint took has passed since it ended (never longer than the window), so linting takes at most
    // half the time however fast the changes come. A lint of a few milliseconds (a typical migration)
    // then runs for every change; a slow one keeps the whole window. The lint made when the document was
    // opened does not count: the first change after it is the first of a burst, linted at once.
    const window = Math.min(this.host.settings.peek(uri)?.debounceMs ?? DEFAULT_DEBOUNCE_MS, state.lastDurationMs * TYPING_COST_FACTOR);
    const since = performance.now() - state.lastRunAt;
    return since >= window ? 0 : Math.ceil(window - since);
  }

  private schedule(uri: string, state: DocumentState, delay: number): void {
    const generation = ++state.generation;
    this.clearTimer(state);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(uri, state, generation);
    }, delay);
  }

  private clearTimer(state: DocumentState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
  }

  private async run(uri: string, state: DocumentState, generation: number): Promise<void> {
    const settings = await this.host.settings.get(uri);
    // A document of a history being indexed waits for it, rather than showing findings made without it.
    const indexed = this.host.histories?.ready(uri);
    if (indexed) await indexed;
    // A newer change, a configuration change or a close superseded this work while settings were read.
    if (state.generation !== generation || this.states.get(uri) !== state) return;
    const doc = this.host.documents.get(uri);
    if (!doc) return;
    const snapshot = this.lintNow(doc, settings, state);
    if (this.host.documents.get(uri)?.version !== snapshot.version) return; // never publish stale results
    this.host.publish(uri, snapshot.version, snapshot.diagnostics);
    const statusKey = JSON.stringify(snapshot.status);
    if (statusKey !== state.statusKey) {
      state.statusKey = statusKey;
      this.host.status(snapshot.status);
    }
  }

  private lintNow(doc: TextDocument, settings: EditorLayer, state: DocumentState): LintSnapshot {
    const text = doc.getText();
    const started = performance.now();
    const { config, notes, status } = lintSetup(doc.uri, text, settings, this.host.projectConfig.forUri(doc.uri));
    let findings: Finding[] = [];
    let parsed: ParsedFile | undefined;
    try {
      const inHistory = this.host.histories?.lint(doc.uri, text, config);
      if (inHistory) {
        ({ findings, parsed } = inHistory);
        this.refresh(inHistory.affectedUris.filter((uri) => uri !== doc.uri));
      } else {
        ({ findings, file: parsed } = lint(text, { config, cache: state.cache }));
        state.cache.sweep();
      }
    } catch (error) {
      // An engine bug must cost this file its findings, never the server.
      const message = (error as Error).message;
      this.host.log(`Could not lint ${doc.uri}: ${(error as Error).stack ?? message}`);
      notes.push(documentNote(NOTE_CODES.internalError, 'error', `Safe Migrations could not lint this file: ${message}`, firstLine(text)));
    }
    const finished = performance.now();
    if (state.snapshot) {
      state.lastRunAt = finished;
      state.lastDurationMs = finished - started;
    }
    const diagnostics = notes;
    for (const finding of findings) diagnostics.push(findingToDiagnostic(finding, doc, this.host.docs, doc.version));
    const snapshot: LintSnapshot = { uri: doc.uri, version: doc.version, findings, diagnostics, status, parsed };
    state.snapshot = snapshot;
    return snapshot;
  }
}
