/**
 * @module keys
 * Key generation, and small caches of parsed key objects: a server verifies many tickets with the
 * same few keys, and parsing a PEM or importing an HMAC key on every call is wasted work.
 */
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** A v2 secret key in the console's format: 64 lowercase hex characters (32 random bytes). */
export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/** A v1 ECDSA key pair; the curve travels inside the PEM, so verifiers need no curve setting. */
export function generateV1KeyPair(curve: 'secp256k1' | 'prime256v1' = 'prime256v1'): {
  privateKeyPem: string;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: curve,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const CACHE_LIMIT = 256;

function cached(cache: Map<string, KeyObject>, key: string, make: (k: string) => KeyObject): KeyObject {
  let obj = cache.get(key);
  if (obj === undefined) {
    obj = make(key);
    // Crude bound: apps have a handful of keys; a flood of distinct keys just restarts the cache.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, obj);
  }
  return obj;
}

const hmacKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

/** The HMAC key is the key text's UTF-8 bytes, exactly as every official library uses it. */
export function hmacKeyFor(secretKey: string): KeyObject {
  return cached(hmacKeys, secretKey, (k) => createSecretKey(Buffer.from(k, 'utf8')));
}

/** Accepts a public key PEM (SPKI) or a private key PEM (the public half is derived). Throws on bad PEM. */
export function publicKeyFor(pem: string): KeyObject {
  return cached(publicKeys, pem, (k) => createPublicKey(k));
}

/** Throws on a bad PEM. Accepts PKCS#8 and SEC1 ("EC PRIVATE KEY", with or without EC PARAMETERS). */
export function privateKeyFor(pem: string): KeyObject {
  return cached(privateKeys, pem, (k) => createPrivateKey(k));
}
