/**
 * The rule documentation pages shipped with the server (dist/docs/rules/<id>.md, copied there by the
 * build), for diagnostic links and hovers. Pages are read once and kept: they never change while the
 * server runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bundled: docs/ sits beside the bundle. From source (tests run by tsx): server/docs. */
const CANDIDATE_FOLDERS = [join(__dirname, 'docs', 'rules'), join(__dirname, '..', '..', 'docs', 'rules')];

export class RuleDocs {
  private readonly pages = new Map<string, string | undefined>();
  private readonly uris = new Map<string, string | undefined>();
  private readonly folder: string | undefined;

  constructor(folders: string[] = CANDIDATE_FOLDERS) {
    this.folder = folders.find((f) => existsSync(f));
  }

  path(ruleId: string): string | undefined {
    return this.page(ruleId) === undefined ? undefined : join(this.folder!, `${ruleId}.md`);
  }

  /** Asked once per diagnostic on every lint: kept after the first time. */
  uri(ruleId: string): string | undefined {
    if (!this.uris.has(ruleId)) {
      const path = this.path(ruleId);
      this.uris.set(ruleId, path && pathToFileURL(path).href);
    }
    return this.uris.get(ruleId);
  }

  /** The page's markdown, or undefined when the rule has no page. */
  page(ruleId: string): string | undefined {
    if (this.pages.has(ruleId)) return this.pages.get(ruleId);
    let text: string | undefined;
    // Ids come from the rule registry or from text in the document: never let one name another path.
    if (this.folder && /^[a-z0-9][a-z0-9-]*$/.test(ruleId)) {
      try {
        text = readFileSync(join(this.folder, `${ruleId}.md`), 'utf8');
      } catch {
        text = undefined;
      }
    }
    this.pages.set(ruleId, text);
    return text;
  }
}
