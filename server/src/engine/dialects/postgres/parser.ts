/**
 * The real PostgreSQL parser (libpg-query 18, WASM). It loads once, asynchronously; after that every
 * call is synchronous, which is what linting on each keystroke needs.
 *
 * libpg-query reports node locations as UTF-8 byte offsets and syntax-error cursors as code-point
 * offsets; everything leaving this module is converted to UTF-16 offsets.
 */
import type { Node } from '@pgsql/types';
import { isBindingLoaded, loadBinding, parsePlpgsqlToJson, parseToJson, scanToJson } from './pg-query-binding';

export function loadPostgresParser(): Promise<void> {
  return loadBinding();
}

export function isPostgresParserLoaded(): boolean {
  return isBindingLoaded();
}

function requireLoaded(): void {
  if (!isBindingLoaded()) throw new Error('The PostgreSQL parser is not loaded yet: await loadPostgresParser() first.');
}

export interface ParsedStatement {
  node: Node;
  /** UTF-8 byte offset and length of the statement inside the parsed text. */
  byteLocation: number;
  byteLength: number | undefined;
}

export type ParseOutcome =
  | { ok: true; statements: ParsedStatement[] }
  | { ok: false; message: string; offset: number };

/** Parses one chunk of SQL. Never throws for bad SQL: a syntax error is an outcome. */
export function parsePostgres(text: string): ParseOutcome {
  requireLoaded();
  let result: { stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
  try {
    const parsed = parseToJson(text);
    if ('error' in parsed) {
      const cursor = parsed.error.cursorPosition;
      return { ok: false, message: parsed.error.message, offset: cursor < 0 ? 0 : codePointToUtf16(text, cursor) };
    }
    result = JSON.parse(parsed.json);
  } catch (error) {
    // The parser itself failing (out of memory …) is reported like a syntax error, never thrown.
    return { ok: false, message: error instanceof Error ? error.message : String(error), offset: 0 };
  }
  const statements = (result.stmts ?? []).map((raw) => ({
    node: raw.stmt as Node,
    byteLocation: raw.stmt_location ?? 0,
    byteLength: raw.stmt_len,
  }));
  return { ok: true, statements };
}

/**
 * PL/pgSQL's own parser over a CREATE FUNCTION (or a DO block wrapped in one): the function's datums
 * (variables, NEW/OLD fields) and statement tree as JSON, or undefined when the body does not parse.
 */
export function parsePlpgsql(createFunctionSql: string): unknown[] | undefined {
  requireLoaded();
  try {
    const json = parsePlpgsqlToJson(createFunctionSql);
    if (!json.startsWith('{')) return undefined; // an error message
    return (JSON.parse(json) as { plpgsql_funcs?: unknown[] }).plpgsql_funcs;
  } catch {
    return undefined;
  }
}

export interface Token {
  /** UTF-16 offsets inside the scanned text. */
  start: number;
  end: number;
  text: string;
  /** PostgreSQL's token name (IDENT, SCONST, ASCII_59 …) or, for keywords, the keyword in upper case. */
  name: string;
  isKeyword: boolean;
}

/** Tokens of one chunk from PostgreSQL's own scanner, or undefined when the scanner rejects the text. */
export function scanPostgres(text: string): Token[] | undefined {
  requireLoaded();
  let result: { tokens: { start: number; end: number; text: string; tokenName: string; keywordKind: number }[] };
  try {
    const json = scanToJson(text);
    // The scanner's errors are texts such as "syntax error at …" or "ERROR: …" instead of JSON.
    if (json.startsWith('syntax error') || json.startsWith('deparse error') || json.startsWith('ERROR')) return undefined;
    result = JSON.parse(json);
  } catch {
    return undefined;
  }
  const toUtf16 = byteOffsetConverter(text);
  return result.tokens.map((t) => {
    const isKeyword = t.keywordKind !== 0;
    return {
      start: toUtf16(t.start),
      end: toUtf16(t.end),
      text: t.text,
      name: isKeyword ? t.text.toUpperCase() : t.tokenName,
      isKeyword,
    };
  });
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, NUL included, is the point
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Returns a function mapping UTF-8 byte offsets of `text` to UTF-16 offsets (identity for ASCII). */
export function byteOffsetConverter(text: string): (byteOffset: number) => number {
  if (ASCII_ONLY.test(text)) return (b) => b;
  // Sparse table: byte offset of each UTF-16 index; searched with a binary search.
  const bytesAt = new Uint32Array(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    bytesAt[i] = bytes;
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A byte offset never points inside a surrogate pair: give the low half a value in between.
      bytesAt[++i] = bytes + 2;
      bytes += 4;
    } else bytes += 3;
  }
  bytesAt[text.length] = bytes;
  return (b) => {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bytesAt[mid] < b) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function codePointToUtf16(text: string, codePoints: number): number {
  let i = 0;
  for (let cp = 0; cp < codePoints && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}
