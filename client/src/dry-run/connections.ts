/**
 * Saved database connections for dry runs. Everything about a connection (label, production flag and
 * URL) lives in VS Code's SecretStorage, which the operating system's keychain protects; settings,
 * workspace state and logs only ever see the label.
 */
import type { SecretStorage } from 'vscode';

export interface SavedConnection {
  /** The name shown in pickers and messages, unique. */
  label: string;
  /** Connection URL, e.g. postgres://user:password@host:5432/db. Never shown or logged. */
  url: string;
  /** Dry runs against it ask for confirmation first. */
  production: boolean;
}

const SECRET_KEY = 'safeMigrations.connections';
const MAX_LABEL = 60;

/** Why a label cannot be used, or undefined when it can. */
export function labelProblem(label: string, taken: readonly string[] = []): string | undefined {
  const trimmed = label.trim();
  if (!trimmed) return 'Give the connection a name, e.g. "staging".';
  if (trimmed.length > MAX_LABEL) return `Keep the name under ${MAX_LABEL} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'The name cannot contain control characters.';
  if (trimmed.toLowerCase() === 'embedded') return '"embedded" stands for the built-in PostgreSQL; choose another name.';
  if (taken.some((t) => t.toLowerCase() === trimmed.toLowerCase())) return `A connection named "${trimmed}" exists already.`;
  return undefined;
}

/** Why a URL cannot be used, or undefined when it can. The message never repeats the URL. */
export function urlProblem(url: string): string | undefined {
  const trimmed = url.trim();
  if (!/^postgres(ql)?:\/\//i.test(trimmed)) return 'A PostgreSQL URL starts with postgres:// or postgresql://, e.g. postgres://user:password@host:5432/database.';
  try {
    const parsed = new URL(trimmed);
    if (!parsed.hostname && !/[?&]host=/.test(trimmed)) return 'The URL names no host.';
  } catch {
    return 'The URL is not well-formed (special characters in the password must be percent-encoded, e.g. @ as %40).';
  }
  return undefined;
}

export class ConnectionStore {
  constructor(private readonly secrets: SecretStorage) {}

  async list(): Promise<SavedConnection[]> {
    const raw = await this.secrets.get(SECRET_KEY);
    if (!raw) return [];
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (c): c is SavedConnection => !!c && typeof c.label === 'string' && typeof c.url === 'string' && typeof c.production === 'boolean',
      );
    } catch {
      return []; // unreadable: start over rather than fail every dry run
    }
  }

  async labels(): Promise<string[]> {
    return (await this.list()).map((c) => c.label);
  }

  async get(label: string): Promise<SavedConnection | undefined> {
    return (await this.list()).find((c) => c.label === label);
  }

  /** Saves a connection (replacing one with the same label). */
  async add(connection: SavedConnection): Promise<void> {
    const label = connection.label.trim();
    const others = (await this.list()).filter((c) => c.label !== label);
    await this.write([...others, { label, url: connection.url.trim(), production: connection.production }]);
  }

  /** True when a connection with that label existed. */
  async remove(label: string): Promise<boolean> {
    const all = await this.list();
    const kept = all.filter((c) => c.label !== label);
    if (kept.length === all.length) return false;
    await (kept.length ? this.write(kept) : this.secrets.delete(SECRET_KEY));
    return true;
  }

  private write(connections: SavedConnection[]): Thenable<void> {
    return this.secrets.store(SECRET_KEY, JSON.stringify(connections));
  }
}
