/**
 * Where a rule's doc page lives: next to the bundle (dist/docs/rules, copied there by the build) or, when
 * running from source, in server/docs/rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../../../../package.json';

let docsFolder: string | null | undefined;

function findDocsFolder(): string | null {
  const candidates = [join(__dirname, 'docs', 'rules'), join(__dirname, '..', '..', '..', 'docs', 'rules')];
  return candidates.find((dir) => existsSync(dir)) ?? null;
}

/** The Markdown of a rule's doc page, or undefined when it is not shipped. */
export function ruleDocMarkdown(ruleId: string): string | undefined {
  docsFolder ??= findDocsFolder();
  if (!docsFolder) return undefined;
  try {
    return readFileSync(join(docsFolder, `${ruleId}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

/** A web address of the rule's doc page, when package.json names the repository it is published from. */
export function ruleDocUrl(ruleId: string): string | undefined {
  const repository = (pkg as { repository?: string | { url?: string } }).repository;
  const url = typeof repository === 'string' ? repository : repository?.url;
  const github = url && /github\.com[/:]([^/]+\/[^/.]+?)(?:\.git)?\/?$/.exec(url);
  return github ? `https://github.com/${github[1]}/blob/HEAD/server/docs/rules/${ruleId}.md` : undefined;
}
