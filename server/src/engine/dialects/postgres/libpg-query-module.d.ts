/**
 * The Emscripten module inside libpg-query (the package's own wrapper hides it). Only the members the
 * parser binding uses are declared; their shapes are those of libpg-query 18's build.
 */
declare module 'libpg-query/wasm/libpg-query.js' {
  export interface PgQueryWasm {
    /** Views of the module's memory; replaced when the memory grows, so read them after every call. */
    HEAPU8: Uint8Array;
    HEAPU32: Uint32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Parses a NUL-terminated UTF-8 string: a pointer to { parse_tree, stderr_buffer, error }. */
    _wasm_parse_query_raw(query: number): number;
    _wasm_free_parse_result(result: number): void;
    /** Scanner tokens as a JSON string (or an error message). */
    _wasm_scan(query: number): number;
    /** PL/pgSQL functions as a JSON string (or an error message). */
    _wasm_parse_plpgsql(query: number): number;
    _wasm_free_string(pointer: number): void;
  }
  const createModule: () => Promise<PgQueryWasm>;
  export default createModule;
}
