/**
 * @module console/web-static
 * Serves Parley's own pages, `/live/` and `/console/`, from packages/web (built by esbuild: dist/
 * when fresh, else rebuilt in under a second — see packages/web/src/build.ts). The build starts
 * when the server starts listening; a request that arrives first waits for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.ts';

interface Asset {
  path: string;
  body: Buffer;
  type: string;
  etag: string;
}

const PREFIXES = ['/live', '/console'] as const;

/** CSP: everything from this origin; WebSocket back to it; avatars may be any https image. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export class WebPages {
  #assets: Promise<Map<string, Asset>> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Loads or builds the assets (once). */
  prepare(): Promise<Map<string, Asset>> {
    this.#assets ??= (async () => {
      const { ensureWebAssets } = await import('@parley/web/build');
      const r = await ensureWebAssets();
      this.logger.info({ built: r.built, ms: Math.round(r.ms), files: r.assets.size }, r.built ? 'web pages built' : 'web pages loaded from dist');
      return r.assets;
    })();
    this.#assets.catch((err: unknown) => {
      this.logger.error({ err }, 'web pages could not be built');
      this.#assets = undefined;
    });
    return this.#assets;
  }

  /** True when `path` is one of the pages' (the response is then handled). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const prefix = PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
    if (!prefix) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    if (path === prefix) {
      const q = (req.url ?? '').indexOf('?');
      res.writeHead(301, { location: `${prefix}/${q >= 0 ? (req.url ?? '').slice(q) : ''}` }).end();
      return true;
    }
    const file = path.endsWith('/') ? `${path}index.html` : path;
    this.prepare().then(
      (assets) => {
        const a = assets.get(file);
        if (!a) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        const headers: Record<string, string> = {
          'content-type': a.type,
          etag: a.etag,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        };
        if (a.type.startsWith('text/html')) {
          headers['content-security-policy'] = CSP;
          headers['x-frame-options'] = 'DENY';
        }
        if (req.headers['if-none-match'] === a.etag) {
          res.writeHead(304, headers).end();
          return;
        }
        headers['content-length'] = String(a.body.length);
        res.writeHead(200, headers);
        res.end(req.method === 'HEAD' ? undefined : a.body);
      },
      () => {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('the web pages could not be built; see the server log');
      },
    );
    return true;
  }
}
