#!/usr/bin/env node
// Prints the README's rule list, a Markdown table generated from the rule registry, so that the list
// can never drift from the rules that ship.
//   node scripts/gen-readme-rules.mjs           print the table
//   node scripts/gen-readme-rules.mjs --write   replace the block between the markers in README.md
//   node scripts/gen-readme-rules.mjs --check   exit 1 when README.md's block is out of date
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(root, 'README.md');
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

/** One row per rule, in registry order (grouped by category as the catalog files list them). */
export function rulesTable(rules) {
  const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const rows = rules.map((rule) => {
    const { category, severity, fix, summary } = rule.meta;
    return `| [\`${rule.id}\`](server/docs/rules/${rule.id}.md) | ${cell(category)} | ${cell(severity)} | ${cell(fix)} | ${cell(summary)} |`;
  });
  return ['| Rule | Category | Default severity | Fix | What it flags |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The README with the block between the markers replaced; undefined when the markers are missing. */
export function replaceBlock(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END, start + START.length);
  if (start < 0 || end < 0) return undefined;
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

async function main(args) {
  const { ALL_RULES } = await tsImport('../server/src/engine/rules/index.ts', import.meta.url);
  const table = rulesTable(ALL_RULES);
  if (!args.includes('--write') && !args.includes('--check')) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  if (!existsSync(README)) {
    console.error('gen-readme-rules: README.md does not exist');
    return 1;
  }
  const readme = readFileSync(README, 'utf8');
  const updated = replaceBlock(readme, table);
  if (updated === undefined) {
    console.error(`gen-readme-rules: README.md has no ${START} … ${END} block`);
    return 1;
  }
  if (args.includes('--check')) {
    if (updated === readme) return 0;
    console.error('gen-readme-rules: the rule list in README.md is out of date; run node scripts/gen-readme-rules.mjs --write');
    return 1;
  }
  if (updated !== readme) writeFileSync(README, updated);
  console.log(updated === readme ? 'README.md rule list is up to date' : `README.md rule list updated (${ALL_RULES.length} rules)`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
