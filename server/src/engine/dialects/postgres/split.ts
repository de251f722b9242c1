/**
 * Splits PostgreSQL migration text into statement chunks without parsing them.
 *
 * Why a splitter of our own rather than parsing the whole file: a syntax error in one statement must
 * not hide the findings of the others, and an edit should only re-parse the statements it touched.
 * The rules for quotes, comments and dollar quotes follow PostgreSQL's scanner (scan.l); psql
 * meta-commands and `COPY … FROM stdin` data blocks (pg_dump output) are recognised so that they are
 * neither parsed as SQL nor allowed to swallow the statements after them.
 */
import type { TextRange } from '../../types';

export type ChunkKind = 'sql' | 'psql-meta' | 'copy-data';

export interface Chunk extends TextRange {
  kind: ChunkKind;
  /** Set when the text ends inside a quote or comment: what was left open, and where it began. */
  unterminated?: { what: string; at: number };
}

export interface LineComment extends TextRange {
  /** The comment's text without the leading `--`. */
  body: string;
}

export interface SplitResult {
  chunks: Chunk[];
  lineComments: LineComment[];
}

const isIdentChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

const COPY_FROM_STDIN = /^copy\b[\s\S]*\bfrom\s+stdin\b/i;
/** CREATE RULE … DO (a; b): the one statement whose parenthesised body holds semicolons. */
const CREATE_RULE = /^create\s+(?:or\s+replace\s+)?rule\b/i;

export function splitStatements(text: string): SplitResult {
  const chunks: Chunk[] = [];
  const lineComments: LineComment[] = [];
  const n = text.length;
  let i = 0;
  let start = -1; // start of the current chunk, -1 while between statements
  // BEGIN ATOMIC … END bodies (SQL-standard function bodies) contain semicolons; track their depth.
  let atomicDepth = 0;
  let afterBegin = false; // the previous word was BEGIN
  let parenDepth = 0;

  const close = (end: number, unterminated?: Chunk['unterminated']): void => {
    if (start < 0) return;
    const chunk: Chunk = { start, end, kind: 'sql' };
    if (unterminated) chunk.unterminated = unterminated;
    chunks.push(chunk);
    start = -1;
    atomicDepth = 0;
    afterBegin = false;
    parenDepth = 0;
    if (!unterminated && COPY_FROM_STDIN.test(text.slice(chunk.start, chunk.end))) i = skipCopyData(end);
  };

  // pg_dump writes the rows of `COPY … FROM stdin;` on the following lines, ended by a line `\.`.
  const skipCopyData = (from: number): number => {
    let lineStart = text.indexOf('\n', from);
    if (lineStart < 0) return n;
    lineStart++;
    let p = lineStart;
    while (p < n) {
      let eol = text.indexOf('\n', p);
      if (eol < 0) eol = n;
      if (text.slice(p, eol).replace(/\r$/, '') === '\\.') {
        chunks.push({ start: lineStart, end: eol, kind: 'copy-data' });
        return eol;
      }
      p = eol + 1;
    }
    chunks.push({ start: lineStart, end: n, kind: 'copy-data', unterminated: { what: 'COPY data (no \\. line)', at: lineStart } });
    return n;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // -- line comment
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      let eol = text.indexOf('\n', i);
      if (eol < 0) eol = n;
      const end = text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      lineComments.push({ start: i, end, body: text.slice(i + 2, end) });
      i = eol;
      continue;
    }
    // /* block comment */, nested as in PostgreSQL
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const open = i;
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (d === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) {
        if (start < 0) start = open;
        close(n, { what: 'block comment', at: open });
      }
      continue;
    }
    // psql meta-command: a backslash at the start of a statement, up to the end of the line
    if (c === 92 && start < 0) {
      let eol = text.indexOf('\n', i);
      if (eol < 0) eol = n;
      const end = text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      chunks.push({ start: i, end, kind: 'psql-meta' });
      i = eol;
      continue;
    }
    if (start < 0) start = i;
    if (c === 59 /* ; */) {
      i++;
      if (atomicDepth === 0 && (parenDepth === 0 || !CREATE_RULE.test(text.slice(start, Math.min(i, start + 200))))) close(i);
      continue;
    }
    if (c === 40 /* ( */ || c === 41 /* ) */) {
      // Only ever consulted for CREATE RULE (see above), so an unbalanced parenthesis elsewhere
      // cannot swallow the statements after it.
      parenDepth = c === 40 ? parenDepth + 1 : Math.max(0, parenDepth - 1);
      i++;
      continue;
    }
    if (c === 39 /* ' */) {
      const open = i;
      const prev = text.charCodeAt(i - 1);
      const backslashEscapes = (prev === 69 || prev === 101) && !isIdentChar(text.charCodeAt(i - 2));
      i = skipQuoted(text, i + 1, 39, backslashEscapes);
      if (i < 0) {
        close(n, { what: 'quoted string', at: open });
        i = n;
      }
      continue;
    }
    if (c === 34 /* " */) {
      const open = i;
      i = skipQuoted(text, i + 1, 34, false);
      if (i < 0) {
        close(n, { what: 'quoted identifier', at: open });
        i = n;
      }
      continue;
    }
    if (c === 36 /* $ */ && !isIdentChar(text.charCodeAt(i - 1))) {
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd > 0) {
        const tag = text.slice(i, tagEnd);
        const closeAt = text.indexOf(tag, tagEnd);
        if (closeAt < 0) {
          const open = i;
          close(n, { what: `dollar-quoted string ${tag}`, at: open });
          i = n;
        } else i = closeAt + tag.length;
        continue;
      }
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      // Only the words that open or close a BEGIN ATOMIC body matter; they are compared in place,
      // since a string per word of every statement made this loop allocate more than the parser.
      const len = j - i;
      if (afterBegin && len === 6 && isWord(text, i, 'ATOMIC')) atomicDepth++;
      else if (atomicDepth > 0 && len === 4 && isWord(text, i, 'CASE')) atomicDepth++;
      else if (atomicDepth > 0 && len === 3 && isWord(text, i, 'END')) atomicDepth--;
      afterBegin = len === 5 && isWord(text, i, 'BEGIN');
      i = j;
      continue;
    }
    i++;
  }
  close(n);
  return { chunks, lineComments };
}

/** True when the text at `at` is `upper` in any letter case (the caller checked the word's length). */
function isWord(text: string, at: number, upper: string): boolean {
  for (let k = 0; k < upper.length; k++) {
    const c = text.charCodeAt(at + k);
    // ASCII case folding, as PostgreSQL folds keywords: a–z minus 32 is A–Z.
    if ((c >= 97 && c <= 122 ? c - 32 : c) !== upper.charCodeAt(k)) return false;
  }
  return true;
}

/** Returns the index after the closing quote, or -1 when the text ends first. */
function skipQuoted(text: string, from: number, quote: number, backslashEscapes: boolean): number {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === 92) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}

/** At a `$`: returns the index after a dollar-quote opening tag (`$$` or `$tag$`), or -1. */
function dollarTagEnd(text: string, at: number): number {
  let j = at + 1;
  if (text.charCodeAt(j) === 36) return j + 1;
  if (!isIdentStart(text.charCodeAt(j))) return -1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 36) return j + 1;
    if (!isIdentChar(c) || c === 36) return -1;
    j++;
  }
  return -1;
}
