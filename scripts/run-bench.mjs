#!/usr/bin/env node
// Runs the benchmarks one after another (they need the machine to themselves).
// Usage: npm run bench [-- substring ...]   e.g. npm run bench -- usersig
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const found = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.bench.ts')) found.push(p);
  }
})('bench');
const filters = process.argv.slice(2);
const selected = found.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
