/**
 * How long a change waits before it is linted. The debounce window caps the time spent linting while
 * someone types; a lint that takes milliseconds shrinks it to its own duration, so a typical migration
 * is linted after every change, and the lint made when a document opens does not hold back its first
 * change. Changes that come while one is waiting are still linted once, for the newest version only.
 * Real DocumentLinter, real engine; only the editor connection is replaced by a recorder.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadPostgresParser } from '../../server/src/engine/index';
import { DocumentLinter } from '../../server/src/lsp/linter';
import { ProjectConfigCache } from '../../server/src/lsp/project-config';
import { RuleDocs } from '../../server/src/lsp/rule-docs';
import { SettingsStore } from '../../server/src/lsp/settings';

/** Long enough that a change held back for the whole window cannot pass for one linted at once. */
const WINDOW_MS = 3000;

function setup() {
  const documents = new Map<string, TextDocument>();
  const published: { version: number | undefined; at: number }[] = [];
  const waiters: (() => void)[] = [];
  const settings = new SettingsStore(undefined, () => undefined);
  settings.changed({ safeMigrations: { lint: { debounceMs: WINDOW_MS } } });
  const linter = new DocumentLinter({
    documents: { get: (uri) => documents.get(uri), all: () => [...documents.values()] },
    settings,
    projectConfig: new ProjectConfigCache(() => undefined),
    docs: new RuleDocs(),
    publish: (_uri, version) => {
      published.push({ version, at: performance.now() });
      waiters.splice(0).forEach((wake) => wake());
    },
    status: () => undefined,
    log: () => undefined,
  });
  const uri = 'untitled:typing.sql';
  const edit = (version: number) => {
    documents.set(uri, TextDocument.create(uri, 'sql', version, `CREATE INDEX i${version} ON users (email);\n`));
    linter.changed(uri);
    return performance.now();
  };
  const publishedFor = async (version: number) => {
    for (;;) {
      const found = published.find((p) => p.version === version);
      if (found) return found;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { linter, edit, publishedFor, published };
}

describe('typing delay', () => {
  before(() => loadPostgresParser());

  it('lints each change at once when linting the document is quick', async () => {
    const { linter, edit, publishedFor } = setup();
    try {
      edit(1);
      await publishedFor(1);
      for (let version = 2; version <= 4; version++) {
        const sent = edit(version); // right after the previous lint, well inside the window
        const { at } = await publishedFor(version);
        assert.ok(at - sent < WINDOW_MS / 3, `version ${version} waited ${(at - sent).toFixed(0)} ms`);
      }
    } finally {
      linter.dispose();
    }
  });

  it('still lints a burst of changes once, for the newest version', async () => {
    const { linter, edit, publishedFor, published } = setup();
    try {
      edit(1);
      await publishedFor(1);
      edit(2);
      await publishedFor(2);
      // Within the same moment: each change supersedes the one before it.
      edit(3);
      edit(4);
      edit(5);
      await publishedFor(5);
      assert.deepEqual(
        published.map((p) => p.version),
        [1, 2, 5],
      );
    } finally {
      linter.dispose();
    }
  });
});
