/**
 * @module callbacks/callback-client
 * POSTs one webhook and classifies the answer. Success means HTTP 200 and a JSON object body
 * within the deadline (reference §7); everything else is a failure *value*, never a throw, so the
 * before-send path and the after-event queue can apply their policies without try/catch.
 *
 * node:http with keep-alive agents rather than fetch: webhooks go to the same few hosts at
 * message rate, so connection reuse is the throughput win, and the hard deadline covers connect,
 * request, headers and body alike (one timer, one destroy).
 */
import http from 'node:http';
import https from 'node:https';

export type CallbackFailure = 'timeout' | 'network' | 'http-status' | 'bad-json' | 'too-large' | 'aborted';

export type CallbackResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; reason: CallbackFailure; detail: string };

export interface CallbackClientOptions {
  /** Concurrent connections per receiver host. */
  maxSockets?: number;
  /** Larger answers are failures: a webhook reply is a few hundred bytes, a modified MsgBody ~12 KB. */
  maxResponseBytes?: number;
  /** Idle keep-alive sockets are closed after this; under the usual 5 s server keep-alive limit. */
  idleSocketMs?: number;
}

export class CallbackClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly maxResponseBytes: number;

  constructor(options: CallbackClientOptions = {}) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      maxFreeSockets: 16,
      timeout: options.idleSocketMs ?? 4000,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024;
  }

  /** POSTs `json` (already serialised) to `url`; resolves within `timeoutMs` whatever the peer does. */
  post(url: string, json: string, timeoutMs: number, signal?: AbortSignal): Promise<CallbackResult> {
    return new Promise<CallbackResult>((resolve) => {
      if (signal?.aborted) return resolve({ ok: false, reason: 'aborted', detail: 'aborted before sending' });
      const secure = url.startsWith('https:');
      let done = false;
      let req: http.ClientRequest | undefined;
      const finish = (r: CallbackResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!r.ok) req?.destroy();
        resolve(r);
      };
      const onAbort = (): void => finish({ ok: false, reason: 'aborted', detail: 'aborted' });
      const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', detail: `no complete answer within ${timeoutMs} ms` }), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      try {
        req = (secure ? https : http).request(url, {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) },
        });
      } catch (err) {
        return finish({ ok: false, reason: 'network', detail: String(err) });
      }
      req.on('error', (err) => finish({ ok: false, reason: 'network', detail: err.message }));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume(); // drain so the socket can be reused
          return finish({ ok: false, reason: 'http-status', detail: `HTTP ${res.statusCode}` });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) finish({ ok: false, reason: 'too-large', detail: `answer over ${this.maxResponseBytes} bytes` });
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish({ ok: false, reason: 'network', detail: err.message }));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
          } catch {
            return finish({ ok: false, reason: 'bad-json', detail: 'answer is not JSON' });
          }
          if (body === null || typeof body !== 'object' || Array.isArray(body)) {
            return finish({ ok: false, reason: 'bad-json', detail: 'answer is not a JSON object' });
          }
          finish({ ok: true, body: body as Record<string, unknown> });
        });
      });
      req.end(json);
    });
  }

  /** Closes pooled sockets. In-flight requests still finish or time out. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
