/**
 * @module build
 * Bundles the two pages with esbuild: `live/` and `console/`, each an index.html, one ES module
 * (app.js, with @parley/sdk and, for the console, uPlot inside) and one stylesheet (app.css).
 * No CDN: everything the pages load comes from the Parley server that serves them.
 *
 * `ensureWebAssets()` is what the server calls: it reuses packages/web/dist when it is newer than
 * every input (this package's src, the SDK's and the protocol's src), else builds (about 0.3 s)
 * and writes dist/ file by file (temp file + rename, so concurrent builders never tear a file).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(WEB_ROOT, 'dist');
const MANIFEST = 'manifest.json';

export interface WebAsset {
  /** URL path, e.g. /live/app.js */
  path: string;
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

function typeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return TYPES[path.slice(dot)] ?? 'application/octet-stream';
}

function asset(path: string, body: Buffer): WebAsset {
  return { path, body, type: typeOf(path), etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

const PAGES = ['live', 'console'] as const;

/** Newest mtime (ms) of every file under the inputs. */
export function newestInput(): number {
  const roots = [join(WEB_ROOT, 'src'), join(WEB_ROOT, '..', 'sdk', 'src'), join(WEB_ROOT, '..', 'protocol', 'src'), join(WEB_ROOT, 'package.json')];
  let newest = 0;
  const walk = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const r of roots) walk(r);
  return newest;
}

/** Builds both pages in memory. `write` also stores them in dist/ (default true). */
export async function buildWeb(opts: { write?: boolean; minify?: boolean } = {}): Promise<Map<string, WebAsset>> {
  const { build } = await import('esbuild');
  const out = new Map<string, WebAsset>();
  const result = await build({
    entryPoints: PAGES.map((p) => ({ in: join(WEB_ROOT, 'src', p, 'main.ts'), out: `${p}/app` })),
    outdir: DIST,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  for (const f of result.outputFiles) {
    const rel = relative(DIST, f.path).split('\\').join('/');
    out.set(`/${rel}`, asset(`/${rel}`, Buffer.from(f.contents)));
  }
  for (const p of PAGES) {
    const html = readFileSync(join(WEB_ROOT, 'src', p, 'index.html'));
    out.set(`/${p}/index.html`, asset(`/${p}/index.html`, html));
  }
  if (opts.write !== false) {
    try {
      writeDist(out);
    } catch {
      // A read-only install still serves the pages from memory.
    }
  }
  return out;
}

function writeDist(assets: Map<string, WebAsset>): void {
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const put = (rel: string, body: Buffer | string): void => {
    const file = join(DIST, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${tag}.tmp`, body);
    renameSync(`${file}.${tag}.tmp`, file);
  };
  for (const a of assets.values()) put(a.path.slice(1), a.body);
  // Written last: its mtime says when the whole set was complete.
  put(MANIFEST, JSON.stringify({ builtAt: new Date().toISOString(), files: [...assets.keys()] }, null, 2) + '\n');
}

function readDist(): Map<string, WebAsset> | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(DIST, MANIFEST), 'utf8')) as { files: string[] };
    const out = new Map<string, WebAsset>();
    for (const path of manifest.files) out.set(path, asset(path, readFileSync(join(DIST, path.slice(1)))));
    return out;
  } catch {
    return undefined;
  }
}

/** dist/ when it is complete and newer than every input; otherwise a fresh build (also written to dist/). */
export async function ensureWebAssets(): Promise<{ assets: Map<string, WebAsset>; built: boolean; ms: number }> {
  const t0 = performance.now();
  let fresh = false;
  try {
    fresh = statSync(join(DIST, MANIFEST)).mtimeMs >= newestInput();
  } catch {
    fresh = false;
  }
  if (fresh) {
    const assets = readDist();
    if (assets) return { assets, built: false, ms: performance.now() - t0 };
  }
  let assets: Map<string, WebAsset>;
  try {
    assets = await buildWeb({ write: true });
  } catch (err) {
    // A read-only install: serve what was built before rather than nothing.
    const stale = readDist();
    if (!stale) throw err;
    assets = stale;
  }
  return { assets, built: true, ms: performance.now() - t0 };
}
