/**
 * Prints the cases of every rule test (test/rules/*.test.ts) as JSON, without running them: the rule
 * tester records its cases in collection mode. Run in a child process of its own (see
 * fix-fixtures.ts): importing the rule test files also registers the tests some of them declare
 * directly, which must not run inside the suite that replays the cases.
 *
 *   SAFE_MIGRATIONS_COLLECT_RULE_CASES=1 node --import tsx test/lsp/fix-collect-cases.ts <out.json>
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectedRuleCases } from '../rules/tester';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: fix-collect-cases.ts <out.json>');
  if (!collectedRuleCases()) throw new Error('SAFE_MIGRATIONS_COLLECT_RULE_CASES=1 is not set: the rule tests would run instead of being collected');
  const folder = join(__dirname, '..', 'rules');
  for (const name of readdirSync(folder).sort()) if (name.endsWith('.test.ts')) await import(join(folder, name));
  // Applied-migration sets do not survive JSON: a case that has them is marked, not reproduced.
  const json = JSON.stringify(collectedRuleCases(), (key, value: unknown) => (key === 'applied' && value ? 'unserialisable' : value));
  writeFileSync(out, json);
  // Tests that rule files declare directly (autofix tables and such) are not ours to run here.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
