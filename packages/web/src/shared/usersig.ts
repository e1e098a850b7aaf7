/**
 * @module shared/usersig
 * UserSig v2 in the browser, the format @parley/usersig (and Tencent's TLSSigAPIv2) produces:
 * JSON → zlib stream → base64 with `+`→`*`, `/`→`-`, `=`→`_`. The MAC is HMAC-SHA256 keyed with
 * the secret key's UTF-8 text over the labelled lines. WebCrypto signs; CompressionStream('deflate')
 * makes the zlib stream (RFC 1950), which every verifier inflates.
 */
const enc = new TextEncoder();

function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function unb64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export function v2MacInput(identifier: string, sdkAppId: number, time: number, expire: number): string {
  return `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
}

async function hmac(secretKey: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return b64(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(text))));
}

export async function genUserSigV2(opts: { sdkAppId: number; secretKey: string; identifier: string; expire?: number; time?: number }): Promise<string> {
  const time = opts.time ?? Math.floor(Date.now() / 1000);
  const expire = opts.expire ?? 180 * 86400;
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': opts.identifier,
    'TLS.sdkappid': opts.sdkAppId,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': await hmac(opts.secretKey, v2MacInput(opts.identifier, opts.sdkAppId, time, expire)),
  };
  const z = await pipe(enc.encode(JSON.stringify(doc)), new CompressionStream('deflate'));
  return b64(z).replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

/** The ticket's JSON document, or undefined when it is not a ticket. */
export async function decodeUserSig(userSig: string): Promise<Record<string, unknown> | undefined> {
  try {
    const text = userSig.replace(/\s+/g, '').replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const json = new TextDecoder().decode(await pipe(unb64(text), new DecompressionStream('deflate')));
    const v = JSON.parse(json) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
