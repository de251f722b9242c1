/** safeMigrations/listRules: every rule with its summary and documentation page, for the client's picker. */
import { ALL_RULES } from '../../engine/index';
import type { ListRulesResult } from '../../protocol/requests';
import type { RuleDocs } from '../rule-docs';

export function listRules(docs: RuleDocs): ListRulesResult {
  return ALL_RULES.map((rule) => {
    const docUri = docs.uri(rule.id);
    return {
      id: rule.id,
      category: rule.meta.category,
      defaultSeverity: rule.meta.severity,
      summary: rule.meta.summary,
      ...(docUri ? { docUri } : {}),
    };
  });
}
