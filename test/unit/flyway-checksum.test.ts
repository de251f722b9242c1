/** Flyway's migration checksum: CRC-32 of each line's UTF-8 bytes without terminators, BOM dropped, signed. */
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import { flywayChecksum } from '../../server/src/engine/history/checksum';

const signed = (n: number) => n | 0;

describe('flywayChecksum', () => {
  it('is the CRC-32 of the lines joined without their terminators, as a signed int', () => {
    const text = 'CREATE TABLE users (id bigint);\r\nINSERT INTO users VALUES (1);\nSELECT 1;';
    assert.equal(flywayChecksum(text), signed(crc32('CREATE TABLE users (id bigint);INSERT INTO users VALUES (1);SELECT 1;')));
  });
  it('does not depend on line endings or a byte-order mark', () => {
    const lf = 'SELECT 1;\nSELECT 2;\n';
    assert.equal(flywayChecksum(lf.replace(/\n/g, '\r\n')), flywayChecksum(lf));
    assert.equal(flywayChecksum(`\uFEFF${lf}`), flywayChecksum(lf));
    assert.notEqual(flywayChecksum('SELECT 1;'), flywayChecksum('SELECT 2;'));
  });
  it('encodes text as UTF-8 and gives negative values where the unsigned CRC is above 2^31', () => {
    assert.equal(flywayChecksum("SELECT 'ünïcødé ✓';"), signed(crc32(Buffer.from("SELECT 'ünïcødé ✓';", 'utf8'))));
    const negative = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((s) => flywayChecksum(s)).find((n) => n < 0);
    assert.ok(negative !== undefined && negative >= -(2 ** 31));
  });
});
