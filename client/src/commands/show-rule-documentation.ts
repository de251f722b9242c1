/**
 * Safe Migrations: Show Rule Documentation. Opens the page of the rule given as argument, else of the
 * Safe Migrations diagnostic under the cursor, else of a rule picked from the list, in the markdown
 * preview.
 */
import { commands, languages, Uri, window, type QuickPickItem } from 'vscode';
import type { RuleInfo } from '../../../server/src/protocol/requests';
import type { Ctx } from '../ctx';

const DIAGNOSTIC_SOURCE = 'safe-migrations';

export function showRuleDocumentation(ctx: Ctx): (ruleId?: unknown) => Promise<void> {
  return async (ruleId?: unknown) => {
    const rules = await ctx.listRules();
    const withPage = rules.filter((r) => r.docUri);
    const byId = new Map(withPage.map((r) => [r.id, r]));
    const rule = (typeof ruleId === 'string' ? byId.get(ruleId) : undefined) ?? ruleUnderCursor(byId) ?? (await pickRule(withPage));
    if (!rule?.docUri) return;
    await commands.executeCommand('markdown.showPreview', Uri.parse(rule.docUri));
  };
}

function ruleUnderCursor(byId: Map<string, RuleInfo>): RuleInfo | undefined {
  const editor = window.activeTextEditor;
  if (!editor) return undefined;
  const cursor = editor.selection.active;
  for (const d of languages.getDiagnostics(editor.document.uri)) {
    if (d.source !== DIAGNOSTIC_SOURCE || !d.range.contains(cursor)) continue;
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    const rule = byId.get(String(code));
    if (rule) return rule;
  }
  return undefined;
}

async function pickRule(rules: RuleInfo[]): Promise<RuleInfo | undefined> {
  if (rules.length === 0) {
    void window.showWarningMessage('Safe Migrations: no rule documentation is available.');
    return undefined;
  }
  const items: (QuickPickItem & { rule: RuleInfo })[] = rules.map((rule) => ({
    label: rule.id,
    description: rule.category ? `${rule.category} · ${rule.defaultSeverity}` : undefined,
    detail: rule.summary,
    rule,
  }));
  const picked = await window.showQuickPick(items, { title: 'Safe Migrations: rule documentation', matchOnDescription: true, matchOnDetail: true, placeHolder: 'Rule id, category or words of its summary' });
  return picked?.rule;
}
