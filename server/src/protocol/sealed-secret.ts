/**
 * Sealing connection URLs for the trip from the VS Code client to the language server. The client
 * makes a random key for each server process it starts and hands it over in that process's
 * environment; requests then carry the URL encrypted with it (AES-256-GCM). A message trace
 * (`safeMigrations.trace.server: verbose`), a log line or a crash dump of a request shows only the
 * sealed form, and a sealed URL is worthless to anyone but that one server process.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The environment variable that carries the key to the server; the server removes it at start. */
export const SEAL_KEY_ENV = 'SAFE_MIGRATIONS_SEAL_KEY';

const PREFIX = 'sealed:v1:';

export function newSealKey(): string {
  return randomBytes(32).toString('hex');
}

export function seal(secret: string, keyHex: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(keyHex), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${PREFIX}${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.')}`;
}

/** The secret, or an Error saying why it cannot be opened (never containing the sealed text). */
export function unseal(sealed: string, keyHex: string | undefined): string | Error {
  if (!keyHex) return new Error('this language server was started without a key for sealed connection strings');
  if (!sealed.startsWith(PREFIX)) return new Error('the connection string is not in the sealed format');
  const [iv, tag, body] = sealed.slice(PREFIX.length).split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body || iv.length !== 12 || tag.length !== 16) return new Error('the sealed connection string is malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes(keyHex), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    // A restarted server has a new key: the client seals again for it on the next request.
    return new Error('the sealed connection string was not made for this language server process');
  }
}

/** Reads the key from the environment and removes it, so that child processes do not inherit it. */
export function takeSealKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env[SEAL_KEY_ENV];
  delete env[SEAL_KEY_ENV];
  return key && /^[0-9a-f]{64}$/i.test(key) ? key : undefined;
}

function keyBytes(keyHex: string): Buffer {
  const key = Buffer.from(keyHex, 'hex');
  if (key.length !== 32) throw new Error('a sealing key is 32 bytes in hex');
  return key;
}
