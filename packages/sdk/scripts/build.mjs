#!/usr/bin/env node
// Builds dist/: an ESM browser bundle (minified, no Node modules), a Node ESM entry (with `ws`
// left external), and type declarations (tsc --emitDeclarationOnly with tsconfig.build.json).
// Usage: node scripts/build.mjs [--no-types]
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(dist, 'parley-sdk.browser.js'),
  platform: 'browser',
  minify: true,
  // Fails the build if anything reaches for a Node module.
  external: [],
});

await build({
  ...common,
  entryPoints: [join(root, 'src/node.ts')],
  outfile: join(dist, 'parley-sdk.node.js'),
  platform: 'node',
  target: 'node20',
  external: ['ws'],
});

const browserFile = join(dist, 'parley-sdk.browser.js');
const size = statSync(browserFile).size;
const gz = gzipSync(readFileSync(browserFile)).length;
const sizes = { browser: { bytes: size, gzipBytes: gz }, node: { bytes: statSync(join(dist, 'parley-sdk.node.js')).size } };
writeFileSync(join(dist, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
console.log(`dist/parley-sdk.browser.js  ${(size / 1024).toFixed(1)} KiB (${(gz / 1024).toFixed(1)} KiB gzip)`);
console.log(`dist/parley-sdk.node.js     ${(sizes.node.bytes / 1024).toFixed(1)} KiB`);

if (!process.argv.includes('--no-types')) {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('type declarations failed');
    process.exit(r.status ?? 1);
  }
  // Declarations keep the sources' `.ts` specifiers; published consumers resolve `.js` to `.d.ts`.
  rewriteSpecifiers(join(dist, 'types'));
  console.log('dist/types/*.d.ts written');
}

function rewriteSpecifiers(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) rewriteSpecifiers(p);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(p, 'utf8').replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2');
      writeFileSync(p, text);
    }
  }
}
