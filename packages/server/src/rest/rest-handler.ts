/**
 * @module rest/rest-handler
 * The REST API endpoint: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json`
 * with a JSON object body, answered in Tencent's wire format (rest-wire.ts). The pipeline is
 * body (size-limited) → path → admin auth → command lookup → rate limit → JSON → command; every
 * failure is a coded FAIL envelope (docs/rest-api.md lists the codes), never a crash or a hang.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { RestDeps } from './command-registry.ts';
import { registerAccountCommands } from './commands/im-open-login-svc.ts';
import { authenticate } from './rest-auth.ts';
import { RestRateLimiter } from './rest-rate-limiter.ts';
import { MAX_BODY_BYTES, readBody, sendFail, sendOk, sendPreflight } from './rest-wire.ts';

const PATH = /^\/v4\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)\/?$/;
/** Tencent's text for an unparsable body (§1 sample), kept so clients matching on it still work. */
const BAD_JSON_INFO = 'Fail to Parse json data of body, Please check it';

export interface RestHandlerOptions {
  maxBodyBytes?: number;
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) throw new ParleyError(Codes.JSON_PARSE_FAILED, 'The body may not be empty; send {} when a command takes no fields');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ParleyError(Codes.JSON_PARSE_FAILED, BAD_JSON_INFO);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParleyError(Codes.JSON_PARSE_FAILED, 'The body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function createRestHandler(deps: RestDeps, opts: RestHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  // The account service is built in; other services register their commands in their own files.
  if (!deps.registry.has('im_open_login_svc/account_import')) registerAccountCommands(deps.registry);
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  const limiter = new RestRateLimiter();
  const calls = deps.metrics.counter('parley_rest_requests_total', 'REST API calls by command and result code', ['command', 'code']);
  const seconds = deps.metrics.histogram('parley_rest_request_seconds', 'REST API call latency', [0.001, 0.005, 0.02, 0.1, 0.5, 2], ['command']);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    let command = 'unknown';
    const finish = (code: number) => {
      calls.inc({ command, code: String(code) });
      seconds.observe({ command }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    const fail = (code: number, info: string, close = false) => {
      sendFail(res, code, info, close);
      finish(code);
    };

    if (req.method === 'OPTIONS') {
      req.resume();
      sendPreflight(res);
      return;
    }
    const body = await readBody(req, maxBody);
    if (body === 'too-large') return fail(Codes.MSG_TOO_LARGE.code, `The request body is over ${maxBody} bytes`, true);
    if (req.method !== 'POST') return fail(Codes.REST_BAD_URL.code, `Method ${req.method ?? ''} is not allowed; use POST`);

    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return fail(Codes.REST_BAD_URL.code, Codes.REST_BAD_URL.message);
    }
    const m = PATH.exec(url.pathname);
    if (!m) return fail(Codes.REST_BAD_PATH.code, 'The URL path must be /v4/<service>/<command>');

    try {
      const caller = await authenticate(url.searchParams, deps, now());
      const path = `${m[1]}/${m[2]}`;
      const registered = deps.registry.get(path);
      if (!registered) throw new ParleyError(Codes.REST_BAD_PATH, `Unknown REST command ${path}`);
      command = path;
      if (!limiter.take(caller.app.sdkAppId, path, registered.ratePerSecond, now())) {
        throw new ParleyError(Codes.REST_API_RATE_LIMITED, `${path} is limited to ${registered.ratePerSecond} calls per second per app`);
      }
      const fields = await registered.handler({ ...caller, deps }, parseJsonObject(body));
      sendOk(res, fields);
      finish(typeof fields['ErrorCode'] === 'number' ? fields['ErrorCode'] : 0);
    } catch (err) {
      if (err instanceof ParleyError) return fail(err.code, err.message);
      deps.logger.error({ err, command, url: url.pathname }, 'REST command failed');
      fail(Codes.INTERNAL_ERROR.code, Codes.INTERNAL_ERROR.message);
    }
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.logger.error({ err }, 'REST request failed');
      if (!res.headersSent) sendFail(res, Codes.INTERNAL_ERROR.code, Codes.INTERNAL_ERROR.message, true);
      else res.destroy();
    });
  };
}
