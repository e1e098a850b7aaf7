/**
 * @module rest/rest-wire
 * Tencent's REST wire format: HTTP 200 always, a JSON body with ActionStatus / ErrorInfo /
 * ErrorCode first and the command's fields beside them, and the documented CORS headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The documented sample headers, plus Content-Type so browsers may POST JSON. */
export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type',
  'Access-Control-Allow-Methods': 'POST',
} as const;

export const MAX_BODY_BYTES = 1024 * 1024;

export function sendJson(res: ServerResponse, body: Record<string, unknown>, close = false): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    ...CORS_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  };
  if (close) headers['Connection'] = 'close';
  res.writeHead(200, headers);
  res.end(text);
}

export function sendOk(res: ServerResponse, fields: Record<string, unknown>): void {
  sendJson(res, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...fields });
}

export function sendFail(res: ServerResponse, code: number, info: string, close = false): void {
  sendJson(res, { ActionStatus: 'FAIL', ErrorInfo: info, ErrorCode: code }, close);
}

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(200, { ...CORS_HEADERS, 'Access-Control-Max-Age': '86400', 'Content-Length': 0 });
  res.end();
}

/**
 * Reads the whole body, or stops at `limit` bytes and resolves 'too-large' (the rest of the upload
 * is discarded, and the caller answers with `Connection: close` so the socket is not reused).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks, size));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
  });
}
