/**
 * A migration file as a list of statements, each with its parse tree (or its syntax error) and exact
 * UTF-16 ranges in the file. Parse results are cached by statement text so that re-linting after an
 * edit only parses the statements the edit touched.
 */
import type { Node } from '@pgsql/types';
import type { TextRange } from '../../types';
import { tokenize } from './lexer';
import { byteOffsetConverter, parsePostgres, type ParseOutcome, type Token } from './parser';
import { splitStatements, type Chunk, type LineComment } from './split';

/** The parse-tree node type (`AlterTableStmt`, `IndexStmt` …) or one of the non-SQL chunk kinds. */
export type StatementKind = string;

export const SYNTAX_ERROR = 'SyntaxError';
export const PSQL_META = 'PsqlMeta';
export const COPY_DATA = 'CopyData';

/** Chunk-level data shared by the statements parsed from one chunk (usually exactly one). */
class ChunkText {
  private tokenCache: Token[] | undefined;
  private converter: ((byteOffset: number) => number) | undefined;

  constructor(
    readonly start: number,
    readonly text: string,
    private readonly cache?: ParseCache,
    /** The text the parser read when it was more than this chunk (a batch of chunks): locations count from its start. */
    private readonly parsedAs?: ChunkText,
  ) {}

  /** File offset of a UTF-8 byte offset inside the text the parser read. */
  offsetOfByte(byteOffset: number): number {
    if (this.parsedAs) return this.parsedAs.offsetOfByte(byteOffset);
    this.converter ??= byteOffsetConverter(this.text);
    return this.start + this.converter(byteOffset);
  }

  /** Tokens with file offsets, made on first use only (most statements never need them). */
  tokens(): Token[] {
    if (!this.tokenCache) {
      const cached = this.cache?.scan(this.text);
      this.tokenCache = cached ? cached.map((t) => ({ ...t, start: t.start + this.start, end: t.end + this.start })) : tokenize(this.text, this.start);
    }
    return this.tokenCache;
  }
}

export class Statement {
  constructor(
    /** Position among the file's statements (0-based). */
    readonly index: number,
    readonly kind: StatementKind,
    /** The statement in the file, without the terminating semicolon. */
    readonly range: TextRange,
    readonly node: Node | undefined,
    private readonly chunk: ChunkText,
    /** For syntax errors and unterminated text: the message and the file offset it points at. */
    readonly error?: { message: string; offset: number },
  ) {}

  get text(): string {
    return this.chunk.text.slice(this.range.start - this.chunk.start, this.range.end - this.chunk.start);
  }

  /** Converts a parse-tree `location` (UTF-8 bytes within the statement's chunk) into a file offset. */
  offsetOf(location: number | undefined): number {
    if (location === undefined || location < 0) return this.range.start;
    return this.chunk.offsetOfByte(location);
  }

  private ownTokens: Token[] | undefined;

  /** Tokens of this statement (PostgreSQL's lexical rules, see lexer.ts), with file offsets. */
  tokens(): Token[] {
    this.ownTokens ??= this.chunk.tokens().filter((t) => t.start >= this.range.start && t.start < this.range.end + 1);
    return this.ownTokens;
  }

  private code: Token[] | undefined;

  /** The statement's tokens without comments and without the terminating semicolon. */
  codeTokens(): Token[] {
    this.code ??= this.tokens().filter((t) => t.name !== 'SQL_COMMENT' && t.name !== 'C_COMMENT' && t.start < this.range.end);
    return this.code;
  }

  /** The node's payload when the statement is of the given kind, e.g. `stmt.as('IndexStmt')`. */
  as<K extends NodeKind>(kind: K): NodeOf<K> | undefined {
    return this.kind === kind ? ((this.node as Record<string, unknown>)[kind] as NodeOf<K>) : undefined;
  }
}

type UnionKeys<T> = T extends unknown ? keyof T : never;
export type NodeKind = UnionKeys<Node>;
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

export interface ParsedFile {
  text: string;
  statements: Statement[];
  lineComments: LineComment[];
}

/** A bounded cache of parse outcomes (and scanner tokens) keyed by statement text. */
export class ParseCache {
  private readonly entries = new Map<string, ParseOutcome>();
  private readonly scans = new Map<string, Token[]>();
  /** Texts asked for since the last sweep(); only kept by caches made for sweeping. */
  private readonly used: Set<string> | undefined;

  constructor(
    private readonly capacity = 20000,
    options: { sweep?: boolean } = {},
  ) {
    this.used = options.sweep ? new Set() : undefined;
  }

  parse(text: string): ParseOutcome {
    this.used?.add(text);
    const hit = this.entries.get(text);
    if (hit) return hit;
    const outcome = parsePostgres(text);
    this.makeRoom(this.entries);
    this.entries.set(text, outcome);
    return outcome;
  }

  /**
   * Forgets every entry not asked for since the previous sweep. An editor calls it after each lint of
   * its document: the statements of older versions go, the current ones stay, however many there are
   * (up to the capacity, which then only guards memory).
   */
  sweep(): void {
    const used = this.used;
    if (!used) throw new Error('sweep() needs a ParseCache made with { sweep: true }');
    for (const map of [this.entries, this.scans]) {
      for (const key of map.keys()) if (!used.has(key)) map.delete(key);
    }
    used.clear();
  }

  /**
   * Scanner tokens of a chunk, with offsets inside the chunk. Cached too: rules ask for tokens to place
   * their ranges, and re-scanning every flagged statement was most of the cost of a re-lint.
   */
  scan(text: string): Token[] {
    this.used?.add(text);
    const hit = this.scans.get(text);
    if (hit) return hit;
    const tokens = tokenize(text);
    this.makeRoom(this.scans);
    this.scans.set(text, tokens);
    return tokens;
  }

  private makeRoom(map: Map<string, unknown>): void {
    if (map.size < this.capacity) return;
    // Drop the oldest quarter; Map iteration order is insertion order.
    let drop = this.capacity >> 2;
    for (const key of map.keys()) {
      map.delete(key);
      if (--drop <= 0) break;
    }
  }
}

export function parseFile(text: string, cache?: ParseCache): ParsedFile {
  const { chunks, lineComments } = splitStatements(text);
  const statements: Statement[] = [];
  if (cache) {
    // An editor re-lints after each edit: statement by statement, so that unchanged ones hit the cache.
    for (const chunk of chunks) addChunk(text, chunk, statements, cache);
  } else {
    addChunksInBatches(text, chunks, statements);
  }
  return { text, statements, lineComments };
}

/** Plain SQL chunks parsed in one call each run of this many: one parser call costs about as much as a short statement. */
const BATCH_CHUNKS = 256;

const batchable = (chunk: Chunk) => chunk.kind === 'sql' && !chunk.unterminated;

/**
 * Parses runs of plain SQL chunks with one parser call per run, which is much faster for a long file
 * than a call per statement; a run with a syntax error is parsed again chunk by chunk, so that the
 * error is reported in its own statement and the others are still linted.
 */
function addChunksInBatches(text: string, chunks: Chunk[], out: Statement[]): void {
  let i = 0;
  while (i < chunks.length) {
    if (!batchable(chunks[i])) {
      addChunk(text, chunks[i], out, undefined);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < chunks.length && j - i < BATCH_CHUNKS && batchable(chunks[j])) j++;
    const run = chunks.slice(i, j);
    if (run.length === 1 || !addBatch(text, run, out)) for (const chunk of run) addChunk(text, chunk, out, undefined);
    i = j;
  }
}

/** Adds the statements of the run parsed as one text; false (and nothing added) when it does not parse. */
function addBatch(text: string, run: Chunk[], out: Statement[]): boolean {
  const batch = new ChunkText(run[0].start, text.slice(run[0].start, run[run.length - 1].end));
  const outcome = parsePostgres(batch.text);
  if (!outcome.ok) return false;
  let c = 0;
  for (const parsed of outcome.statements) {
    const start = batch.offsetOfByte(parsed.byteLocation);
    while (c < run.length - 1 && run[c].end <= start) c++;
    const first = c;
    const end = parsed.byteLength === undefined ? trimSemicolon(text, run[run.length - 1]) : batch.offsetOfByte(parsed.byteLocation + parsed.byteLength);
    // Normally one chunk per statement; a statement the splitter cut in pieces spans several.
    while (c < run.length - 1 && run[c].end < end) c++;
    const own = new ChunkText(run[first].start, text.slice(run[first].start, run[c].end), undefined, batch);
    const trimmedEnd = skipTrailingSpace(text, start, end);
    const range = { start: skipLeadingSpace(text, start, trimmedEnd), end: trimmedEnd };
    if (range.end === range.start) continue;
    out.push(new Statement(out.length, parsed.node ? firstKey(parsed.node) : 'Empty', range, parsed.node, own));
  }
  return true;
}

function addChunk(text: string, chunk: Chunk, out: Statement[], cache: ParseCache | undefined): void {
  const chunkText = new ChunkText(chunk.start, text.slice(chunk.start, chunk.end), cache);
  const range = { start: chunk.start, end: trimSemicolon(text, chunk) };
  if (chunk.kind === 'psql-meta') {
    out.push(new Statement(out.length, PSQL_META, range, undefined, chunkText));
    return;
  }
  if (chunk.kind === 'copy-data') {
    const error = chunk.unterminated ? { message: `unterminated ${chunk.unterminated.what}`, offset: chunk.start } : undefined;
    out.push(new Statement(out.length, COPY_DATA, range, undefined, chunkText, error));
    return;
  }
  if (range.end === range.start) return; // a lone semicolon
  const outcome = cache ? cache.parse(chunkText.text) : parsePostgres(chunkText.text);
  if (!outcome.ok) {
    const offset = chunk.unterminated ? chunk.unterminated.at : chunk.start + outcome.offset;
    const message = chunk.unterminated ? `unterminated ${chunk.unterminated.what}` : outcome.message;
    out.push(new Statement(out.length, SYNTAX_ERROR, range, undefined, chunkText, { message, offset }));
    return;
  }
  for (const parsed of outcome.statements) {
    const start = chunkText.offsetOfByte(parsed.byteLocation);
    const end = parsed.byteLength === undefined ? range.end : chunkText.offsetOfByte(parsed.byteLocation + parsed.byteLength);
    const kind = parsed.node ? firstKey(parsed.node) : 'Empty';
    // The parser's length runs up to the semicolon, whitespace included: trim it off both ends.
    const trimmedEnd = skipTrailingSpace(text, start, end);
    out.push(new Statement(out.length, kind, { start: skipLeadingSpace(text, start, trimmedEnd), end: trimmedEnd }, parsed.node, chunkText));
  }
}

/** The node's only key (`AlterTableStmt` …), as Object.keys(node)[0] without the array it makes. */
function firstKey(node: Node): string {
  for (const key in node) return key;
  return undefined as unknown as string; // what Object.keys(node)[0] gives for an empty object
}

function trimSemicolon(text: string, chunk: Chunk): number {
  let end = chunk.end;
  if (chunk.kind === 'sql' && !chunk.unterminated && text.charCodeAt(end - 1) === 59) end--;
  while (end > chunk.start && /\s/.test(text[end - 1])) end--;
  return end;
}

function skipLeadingSpace(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && /\s/.test(text[i])) i++;
  return i;
}

function skipTrailingSpace(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && /\s/.test(text[i - 1])) i--;
  return i;
}
