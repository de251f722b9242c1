/**
 * Flyway's checksum of a migration, as flyway_schema_history stores it: CRC-32 over the UTF-8 bytes of
 * each line without its line terminator (a leading byte-order mark removed), as a signed 32-bit int.
 * With it, a configured database connection tells which applied migrations were edited since.
 */

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

export function flywayChecksum(text: string): number {
  const encoder = new TextEncoder();
  let crc = -1;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const line of body.split(/\r\n|\r|\n/)) {
    for (const byte of encoder.encode(line)) crc = TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ -1) | 0;
}
