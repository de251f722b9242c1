/**
 * PostgreSQL's lexical rules (scan.l) in TypeScript, for the token ends that finding ranges need.
 *
 * Why not libpg-query's scanner for this: it crosses into WASM and back through JSON for every
 * statement, which made up a third of a whole lint. This tokenizer follows scan.l rule for rule and
 * uses the parser's own keyword table (keywords.ts), and a test checks that it produces the same
 * tokens as libpg-query's scanner on every statement of the real-world corpus.
 */
import { KEYWORDS } from './keywords';
import type { Token } from './parser';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isIdentCont = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === 36;
const isDollarTagCont = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
const isHorizontalSpace = (c: number): boolean => c === 32 || c === 9 || c === 12 || c === 11;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** scan.l's op_chars and self. */
const OP_CHARS = new Set('~!@#^&|`?+-*/%<>='.split('').map((c) => c.charCodeAt(0)));
const SELF = new Set(',()[].;:+-*/%^<>='.split('').map((c) => c.charCodeAt(0)));
/** Characters whose presence lets an operator end in + or - (scan.l's "non-math" characters). */
const NON_MATH = new Set('~!@#^&|`?%'.split('').map((c) => c.charCodeAt(0)));
const TWO_CHAR_OPS: Record<string, string> = { '<=': 'LESS_EQUALS', '>=': 'GREATER_EQUALS', '<>': 'NOT_EQUALS', '!=': 'NOT_EQUALS', '=>': 'EQUALS_GREATER' };

export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (start: number, end: number, name: string, isKeyword = false): void => {
    tokens.push({ start: start + offset, end: end + offset, text: text.slice(start, end), name, isKeyword });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === 45 && next === 45) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      push(start, i, 'SQL_COMMENT');
      continue;
    }
    if (c === 47 && next === 42) {
      i = skipBlockComment(text, i);
      push(start, i, 'C_COMMENT');
      continue;
    }
    if (c === 39) {
      i = skipString(text, i + 1, false);
      push(start, i, 'SCONST');
      continue;
    }
    if (c === 34) {
      i = skipQuotedIdentifier(text, i + 1);
      push(start, i, 'IDENT');
      continue;
    }
    if (isIdentStart(c)) {
      // String and identifier prefixes: E'…', N'…', B'…', X'…', U&'…', U&"…"
      const lower = c | 32;
      // N'…' scans as the keyword N (NATIONAL CHARACTER) followed by a plain string, as scan.l does.
      if (next === 39 && lower === 110) {
        push(start, i + 1, 'N', true);
        i++;
        continue;
      }
      if (next === 39 && (lower === 101 || lower === 98 || lower === 120)) {
        i = skipString(text, i + 2, lower === 101);
        push(start, i, lower === 98 ? 'BCONST' : lower === 120 ? 'XCONST' : 'SCONST');
        continue;
      }
      if (lower === 117 && next === 38 && (text.charCodeAt(i + 2) === 39 || text.charCodeAt(i + 2) === 34)) {
        const quoted = text.charCodeAt(i + 2) === 34;
        i = quoted ? skipQuotedIdentifier(text, i + 3) : skipString(text, i + 3, false);
        push(start, i, quoted ? 'UIDENT' : 'USCONST');
        continue;
      }
      i++;
      while (i < n && isIdentCont(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      const keyword = KEYWORDS.has(word.toLowerCase());
      push(start, i, keyword ? word.toUpperCase() : 'IDENT', keyword);
      continue;
    }
    if (c === 36) {
      if (isDigit(next)) {
        i += 2;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        push(start, i, 'PARAM');
        continue;
      }
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd > 0) {
        const close = text.indexOf(text.slice(i, tagEnd), tagEnd);
        i = close < 0 ? n : close + (tagEnd - i);
        push(start, i, 'SCONST');
        continue;
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      const [end, name] = scanNumber(text, i);
      i = end;
      push(start, i, name);
      continue;
    }
    if (c === 58 && next === 58) {
      i += 2;
      push(start, i, 'TYPECAST');
      continue;
    }
    if (c === 46 && next === 46) {
      i += 2;
      push(start, i, 'DOT_DOT');
      continue;
    }
    if (c === 58 && next === 61) {
      i += 2;
      push(start, i, 'COLON_EQUALS');
      continue;
    }
    if (OP_CHARS.has(c)) {
      i = start + operatorLength(text, start);
      const op = text.slice(start, i);
      if (op.length === 1 && SELF.has(c)) push(start, i, `ASCII_${c}`);
      else push(start, i, TWO_CHAR_OPS[op] ?? 'Op');
      continue;
    }
    i++;
    push(start, i, `ASCII_${c}`);
  }
  return tokens;
}

function skipBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c === 47 && d === 42) {
      depth++;
      i += 2;
    } else if (c === 42 && d === 47) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return text.length;
}

/** After the opening quote; returns the index after the string, including SQL's newline-separated continuations. */
function skipString(text: string, from: number, backslashEscapes: boolean): number {
  const n = text.length;
  let i = from;
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (backslashEscapes && c === 92) i += 2;
      else if (c === 39 && text.charCodeAt(i + 1) === 39) i += 2;
      else if (c === 39) break;
      else i++;
    }
    if (i >= n) return n;
    i++; // closing quote
    const continued = quoteContinuation(text, i);
    if (continued < 0) return i;
    i = continued + 1;
  }
}

/**
 * 'a'<whitespace with a newline>'b' is one string constant in SQL. Returns the index of the
 * continuing quote, or -1.
 */
function quoteContinuation(text: string, from: number): number {
  let i = from;
  while (i < text.length && isHorizontalSpace(text.charCodeAt(i))) i++;
  let sawNewline = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      sawNewline = true;
      i++;
    } else if (isSpace(c)) i++;
    else if (sawNewline && c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else break;
  }
  return sawNewline && text.charCodeAt(i) === 39 ? i : -1;
}

function skipQuotedIdentifier(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (text.charCodeAt(i) === 34) {
      if (text.charCodeAt(i + 1) === 34) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

function dollarTagEnd(text: string, at: number): number {
  let j = at + 1;
  if (text.charCodeAt(j) === 36) return j + 1;
  if (!isIdentStart(text.charCodeAt(j))) return -1;
  while (j < text.length && isDollarTagCont(text.charCodeAt(j))) j++;
  return text.charCodeAt(j) === 36 ? j + 1 : -1;
}

/** Digits with optional single underscores between them (PostgreSQL 16+). */
function skipDigits(text: string, from: number, isDigitChar: (c: number) => boolean = isDigit): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigitChar(c)) i++;
    else if (c === 95 && isDigitChar(text.charCodeAt(i + 1)) && i > from) i++;
    else break;
  }
  return i;
}

function scanNumber(text: string, from: number): [number, string] {
  const c = text.charCodeAt(from);
  const prefix = text.charCodeAt(from + 1) | 32;
  if (c === 48 && (prefix === 120 || prefix === 111 || prefix === 98)) {
    const digit = prefix === 120 ? isHexDigit : prefix === 111 ? (d: number) => d >= 48 && d <= 55 : (d: number) => d === 48 || d === 49;
    const start = text.charCodeAt(from + 2) === 95 ? from + 3 : from + 2;
    const end = skipDigits(text, start, digit);
    if (end > start) return [end, 'ICONST'];
  }
  let i = c === 46 ? from : skipDigits(text, from);
  let name = 'ICONST';
  // "1..10" is an integer followed by DOT_DOT, not the numeric "1."
  if (text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) !== 46) {
    i = skipDigits(text, i + 1);
    name = 'FCONST';
  }
  if ((text.charCodeAt(i) | 32) === 101) {
    let j = i + 1;
    if (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      i = skipDigits(text, j);
      name = 'FCONST';
    }
  }
  return [i, name];
}

/** scan.l's operator rule: the longest run of operator characters, cut at a comment start and trailing +/-. */
function operatorLength(text: string, start: number): number {
  let len = 0;
  while (start + len < text.length && OP_CHARS.has(text.charCodeAt(start + len))) {
    const c = text.charCodeAt(start + len);
    const d = text.charCodeAt(start + len + 1);
    if (len > 0 && ((c === 45 && d === 45) || (c === 47 && d === 42))) break;
    len++;
  }
  if (len > 1) {
    let nonMath = false;
    for (let k = 0; k < len; k++) if (NON_MATH.has(text.charCodeAt(start + k))) nonMath = true;
    if (!nonMath) {
      while (len > 1 && (text.charCodeAt(start + len - 1) === 43 || text.charCodeAt(start + len - 1) === 45)) len--;
    }
  }
  return len;
}
