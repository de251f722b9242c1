/**
 * A small reader for the zip files vsce writes (a .vsix is a zip): lists entries from the central
 * directory and extracts stored or deflated ones. No zip64, no encryption: a .vsix uses neither, and
 * meeting either is reported as an error rather than misread.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  method: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

export function listZip(file: string): ZipEntry[] {
  return readEntries(readFileSync(file), file);
}

function readEntries(zip: Buffer, file: string): ZipEntry[] {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end of the file.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip file (no end of central directory record)`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error(`${file} is a zip64 archive, which this reader does not handle`);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw new Error(`${file}: corrupt central directory at byte ${offset}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryData(zip: Buffer, entry: ZipEntry, file: string): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== LOCAL_FILE_HEADER) throw new Error(`${file}: corrupt local header for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`${file}: ${entry.name} uses compression method ${entry.method}, which this reader does not handle`);
}

/** Extracts every file entry into `target`; refuses names that would land outside it. */
export function extractZip(file: string, target: string): ZipEntry[] {
  const zip = readFileSync(file);
  const entries = readEntries(zip, file);
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const path = normalize(join(target, entry.name));
    if (!path.startsWith(normalize(target) + sep)) throw new Error(`${file}: entry ${entry.name} points outside the target folder`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entryData(zip, entry, file));
  }
  return entries;
}
