/**
 * Keeping connection passwords out of everything the dry run prints or returns. A URL is shown with
 * its password replaced, and every message that leaves the database layer goes through a Redactor
 * that knows the secrets of the URL in use (raw and percent-decoded), because drivers sometimes echo
 * parts of the connection string in their errors.
 */

const MASK = '***';

/** `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db?password=***`. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):([^@/?#]*)@/i, (_m, head: string) => `${head}:${MASK}@`)
    .replace(/([?&;\s]password=)([^&;\s]*)/gi, (_m, head: string) => `${head}${MASK}`);
}

/** The secret strings a URL carries: its password, as written and percent-decoded. */
export function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:([^@/?#]*)@/i.exec(url);
  if (userinfo?.[1]) found.add(userinfo[1]);
  for (const m of url.matchAll(/[?&;\s]password=([^&;\s]*)/gi)) if (m[1]) found.add(m[1]);
  for (const s of [...found]) {
    try {
      found.add(decodeURIComponent(s));
    } catch {
      // Not valid percent-encoding: the raw form is already recorded.
    }
  }
  return [...found].filter((s) => s.length > 0);
}

export class Redactor {
  private readonly urls: string[];
  private readonly secrets: string[];

  /** The first URL is the one `safeUrl` shows; the secrets of all are hidden. */
  constructor(...urls: (string | undefined)[]) {
    this.urls = urls.filter((u): u is string => !!u);
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...new Set(this.urls.flatMap(urlSecrets))].sort((a, b) => b.length - a.length);
  }

  /** The URL with its password masked, for messages. */
  get safeUrl(): string {
    return this.urls.length ? redactUrl(this.urls[0]) : '';
  }

  text(text: string): string {
    let out = text;
    for (const url of this.urls) out = out.split(url).join(redactUrl(url));
    // Very short passwords would mangle ordinary words; the URL form above still hides them.
    for (const secret of this.secrets) if (secret.length >= 4) out = out.split(secret).join(MASK);
    return out;
  }

  /** A redacted copy of any JSON-serialisable value (reports, error details). */
  value<T>(value: T): T {
    if (this.urls.length === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(value) as T;
  }

  /** A caught value's message, redacted. */
  message(error: unknown): string {
    return this.text(error instanceof Error ? error.message : String(error));
  }
}
