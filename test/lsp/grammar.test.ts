/**
 * The injection grammar for `-- safe-migrations-ignore …` directives, run with JavaScript's RegExp.
 * TextMate's `\G` (the end of the rule's begin match: here, the `--` that opens the comment) becomes a
 * sticky match at that position; the grammar's other constructs mean the same in both engines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pkg from '../../package.json';

const GRAMMAR_PATH = join(__dirname, '..', '..', 'syntaxes', 'safe-migrations-directives.tmLanguage.json');

interface Pattern {
  match: string;
  name: string;
}
interface Grammar {
  scopeName: string;
  injectionSelector: string;
  patterns: { include: string }[];
  repository: {
    directive: { name: string; begin: string; beginCaptures: Record<string, { name: string }>; end: string; patterns: Pattern[] };
  };
}

const grammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as Grammar;
const directive = grammar.repository.directive;

interface Token {
  text: string;
  scope: string;
}

/** Tokenizes one SQL line the way the injection applies inside its `--` comment. */
function tokenize(line: string): Token[] {
  const comment = commentStart(line);
  if (comment < 0) return [];
  const begin = new RegExp(directive.begin.replace(/^\\G/, ''), 'y');
  begin.lastIndex = comment + 2;
  const opened = begin.exec(line);
  if (!opened) return [];
  const tokens: Token[] = [{ text: opened[1], scope: directive.beginCaptures['1'].name }];
  const end = new RegExp(directive.end, 'y');
  const inner = directive.patterns.map((p) => ({ re: new RegExp(p.match, 'y'), name: p.name }));
  for (let at = begin.lastIndex; at < line.length; ) {
    end.lastIndex = at;
    if (end.test(line)) break;
    const hit = inner.map((p) => ((p.re.lastIndex = at), { m: p.re.exec(line), name: p.name })).find((h) => h.m);
    if (hit?.m) {
      tokens.push({ text: hit.m[0], scope: hit.name });
      at += hit.m[0].length;
    } else at++;
  }
  return tokens;
}

/** The SQL grammar starts a line comment at `--` outside quotes; enough of that for these lines. */
function commentStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length - 1; i++) {
    if (line[i] === "'") quoted = !quoted;
    else if (!quoted && line[i] === '-' && line[i + 1] === '-') return i;
  }
  return -1;
}

const KEYWORD = 'keyword.control.directive.safe-migrations';
const RULE = 'variable.other.constant.rule-id.safe-migrations';
const ids = (tokens: Token[]) => tokens.filter((t) => t.scope === RULE).map((t) => t.text);
const keyword = (tokens: Token[]) => tokens.find((t) => t.scope === KEYWORD)?.text;

describe('directive grammar', () => {
  it('is injected into SQL line comments, as package.json contributes it', () => {
    assert.equal(grammar.injectionSelector, 'L:source.sql comment.line.double-dash.sql');
    const contributed = (pkg as { contributes?: { grammars?: { scopeName: string; path: string; injectTo?: string[] }[] } }).contributes?.grammars ?? [];
    const entry = contributed.find((g) => g.scopeName === grammar.scopeName);
    assert.deepEqual(entry?.injectTo, ['source.sql']);
    assert.equal(join(__dirname, '..', '..', entry!.path), GRAMMAR_PATH);
  });

  it('scopes the keyword and each rule id of an ignore directive', () => {
    const tokens = tokenize('-- safe-migrations-ignore create-index-concurrently, drop-table');
    assert.equal(keyword(tokens), 'safe-migrations-ignore');
    assert.deepEqual(ids(tokens), ['create-index-concurrently', 'drop-table']);
    assert.ok(tokens.some((t) => t.text === ',' && t.scope.startsWith('punctuation.separator')));
  });

  it('scopes ignore-file as one keyword, with or without a space after --', () => {
    const tokens = tokenize('  --safe-migrations-ignore-file add-column-volatile-default');
    assert.equal(keyword(tokens), 'safe-migrations-ignore-file');
    assert.deepEqual(ids(tokens), ['add-column-volatile-default']);
  });

  it('works after a statement on the same line', () => {
    assert.deepEqual(ids(tokenize('CREATE INDEX i ON t (c); -- safe-migrations-ignore create-index-concurrently')), ['create-index-concurrently']);
  });

  it('stops the rule list where an explanation starts (" --" or ": "), as the linter does', () => {
    assert.deepEqual(ids(tokenize('-- safe-migrations-ignore a-rule -- the table is empty')), ['a-rule']);
    assert.deepEqual(ids(tokenize('-- safe-migrations-ignore a-rule, b-rule: backfilled in V12')), ['a-rule', 'b-rule']);
  });

  it('leaves ordinary comments and look-alikes alone', () => {
    assert.deepEqual(tokenize('-- safe-migrations-ignored foo'), []);
    assert.deepEqual(tokenize('-- see safe-migrations-ignore foo'), []);
    assert.deepEqual(tokenize('-- a -- safe-migrations-ignore foo'), []);
    assert.deepEqual(tokenize("SELECT '-- safe-migrations-ignore foo';"), []);
  });
});
