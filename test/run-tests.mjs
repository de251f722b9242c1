#!/usr/bin/env node
// Runs the test files given (or every *.test.ts under test/, except the e2e suite) with Node's test
// runner and tsx; Node 20's --test does not expand globs itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
const collect = (p) => {
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p).sort()) if (name !== 'e2e' && name !== 'fixtures' && name !== 'node_modules') collect(join(p, name));
  } else if (p.endsWith('.test.ts')) files.push(p);
};
for (const root of roots.length ? roots : ['test']) collect(root);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
