/** Decoding a migration file's bytes, noting where it stops being valid UTF-8. */
export interface DecodedSource {
  text: string;
  /** UTF-16 offset (in `text`) of the first byte sequence that was not valid UTF-8. */
  invalidUtf8At?: number;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

export function decodeSource(bytes: Uint8Array): DecodedSource {
  try {
    return { text: stripBom(strict.decode(bytes)) };
  } catch {
    const text = stripBom(lenient.decode(bytes));
    // The first replacement character marks the first invalid sequence (a genuine U+FFFD before it
    // would be valid UTF-8, so search for the first invalid byte instead).
    const valid = lenient.decode(bytes.subarray(0, firstInvalidByte(bytes)));
    return { text, invalidUtf8At: stripBom(valid).length };
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Index of the first byte that starts an ill-formed UTF-8 sequence (the Unicode standard's table 3-7). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4: no overlong forms, no UTF-16
    // surrogates (ED A0–BF), nothing above U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (need > 0 && (i + 1 >= bytes.length || bytes[i + 1] < low || bytes[i + 1] > high)) return i;
    for (let k = 2; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return bytes.length;
}
