/**
 * A thin, fast binding to libpg-query's WebAssembly module (the real PostgreSQL parser).
 *
 * Why not the package's parseSync: per call it measures and copies the query into a fresh malloc'd
 * buffer with Emscripten's JavaScript UTF-8 loops, and reads the JSON back with another. A lint
 * parses thousands of statements in a process that has just started, before those loops are
 * optimised, and they cost as much as the parse itself. Here the query is encoded with the native
 * TextEncoder into one reused buffer and the result decoded with the native TextDecoder; the parser,
 * its JSON and its error reports are exactly the package's.
 */
import createModule, { type PgQueryWasm } from 'libpg-query/wasm/libpg-query.js';

let wasm: PgQueryWasm | undefined;
let loading: Promise<void> | undefined;

export function loadBinding(): Promise<void> {
  loading ??= createModule().then((module) => {
    wasm = module;
  });
  return loading;
}

export function isBindingLoaded(): boolean {
  return wasm !== undefined;
}

function loadedModule(): PgQueryWasm {
  if (!wasm) throw new Error('The PostgreSQL parser is not loaded yet: await loadPostgresParser() first.');
  return wasm;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The reused input buffer; statements larger than this get a buffer of their own, freed at once. */
const KEPT_BUFFER_BYTES = 1 << 16;
let buffer = 0;

/** Calls `fn` with a pointer to `text` as a NUL-terminated UTF-8 string in the module's memory. */
function withCString<T>(module: PgQueryWasm, text: string, fn: (pointer: number) => T): T {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
  const capacity = text.length * 3 + 1;
  const own = capacity > KEPT_BUFFER_BYTES;
  if (!own && buffer === 0) buffer = module._malloc(KEPT_BUFFER_BYTES);
  const pointer = own ? module._malloc(capacity) : buffer;
  if (pointer === 0) throw new Error('The PostgreSQL parser ran out of memory');
  try {
    const heap = module.HEAPU8;
    const { written } = encoder.encodeInto(text, heap.subarray(pointer, pointer + capacity - 1));
    heap[pointer + written] = 0;
    return fn(pointer);
  } finally {
    if (own) module._free(pointer);
  }
}

/** The NUL-terminated UTF-8 string at `pointer`. */
function readCString(module: PgQueryWasm, pointer: number): string {
  const heap = module.HEAPU8; // read after the call: the memory may have grown during it
  const end = heap.indexOf(0, pointer);
  return decoder.decode(heap.subarray(pointer, end < 0 ? heap.length : end));
}

export interface RawParseError {
  message: string;
  /** 0-based code-point offset of the error in the query (0 when PostgreSQL gives none). */
  cursorPosition: number;
}

/** PostgreSQL's parse tree of `query` as libpg-query's JSON text, or the syntax error. */
export function parseToJson(query: string): { json: string } | { error: RawParseError } {
  const module = loadedModule();
  if (query === '') return { error: { message: 'Query cannot be empty', cursorPosition: 0 } }; // as libpg-query says
  return withCString(module, query, (pointer) => {
    const result = module._wasm_parse_query_raw(pointer);
    if (!result) throw new Error('Failed to parse query: memory allocation failed');
    try {
      // struct PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }
      const words = module.HEAPU32;
      const tree = words[result >>> 2];
      const error = words[(result >>> 2) + 2];
      if (error) {
        // struct PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; … }
        const message = words[error >>> 2];
        const cursor = words[(error >>> 2) + 4] | 0;
        return { error: { message: message ? readCString(module, message) : 'Unknown error', cursorPosition: cursor > 0 ? cursor - 1 : 0 } };
      }
      if (!tree) throw new Error('No parse tree generated');
      return { json: readCString(module, tree) };
    } finally {
      module._wasm_free_parse_result(result);
    }
  });
}

/** A JSON-returning entry point (scanner, PL/pgSQL parser): the JSON text, or the error text. */
function callReturningString(entry: (module: PgQueryWasm, pointer: number) => number, query: string): string {
  const module = loadedModule();
  return withCString(module, query, (pointer) => {
    const result = entry(module, pointer);
    try {
      return readCString(module, result);
    } finally {
      if (result) module._wasm_free_string(result);
    }
  });
}

/** PostgreSQL's scanner tokens of `query` as libpg-query's JSON text (an error text does not start with `{`). */
export function scanToJson(query: string): string {
  return callReturningString((module, pointer) => module._wasm_scan(pointer), query);
}

/** PL/pgSQL's parse of a CREATE FUNCTION as libpg-query's JSON text (an error text does not start with `{`). */
export function parsePlpgsqlToJson(query: string): string {
  return callReturningString((module, pointer) => module._wasm_parse_plpgsql(pointer), query);
}
