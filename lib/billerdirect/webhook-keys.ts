/**
 * Keys for Biller Direct webhook payload encryption with rotation (docs/api-notes.md §2.11, B24): Q2 sends a compact
 * JWE (`RSA-OAEP` + `A256GCM`) naming the partner key by `kid`; the partner registers a public key or a "Public Key
 * URL" in Nexus and rotates its keys. Here: reading several private keys (a private JWKS or PEM blocks), publishing
 * their public halves as a JWKS, decrypting with the key the `kid` names (or, with no or an unknown `kid`, with each
 * key in turn), and the public half of the connection's request-signing key as a JWKS.
 * All JOSE work is done by `jose`, key parsing by node:crypto. Error messages never carry key material.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactDecrypt, decodeProtectedHeader, exportJWK, type JWK } from 'jose';
import { isObject } from '../connection/envelope';

export interface PrivateKeyEntry {
  /** the JWK's `kid`, else the RFC 7638 thumbprint of the public key */
  kid: string;
  /** the RSA private key */
  key: KeyObject;
  /** the public half only: `kty`, `n`, `e`, `kid` */
  publicJwk: JWK;
}

export interface DecryptOptions {
  keyManagementAlgorithms: string[];
  contentEncryptionAlgorithms: string[];
}

/** RSA moduli shorter than this are refused (Q2's guide asks for RSA-2048). */
export const MIN_RSA_BITS = 2048;

/** Reads one private key from node:crypto input; the message names the key by position, never by content. */
function checkedRsaKey(position: number, read: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = read();
  } catch {
    throw new Error(`key ${position}: unreadable private key`);
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw new Error(`key ${position}: not an RSA private key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`key ${position}: RSA key shorter than ${MIN_RSA_BITS} bits`);
  return key;
}

/** The public members of an RSA key as a JWK (kty, n, e). */
async function publicRsaJwk(key: KeyObject): Promise<{ kty: string; n: string; e: string }> {
  const publicKey = key.type === 'public' ? key : crypto.createPublicKey(key);
  const { kty, n, e } = await exportJWK(publicKey);
  if (kty !== 'RSA' || !n || !e) throw new Error('not an RSA key');
  return { kty, n, e };
}

async function entryFor(key: KeyObject, kid: string | undefined): Promise<PrivateKeyEntry> {
  const { kty, n, e } = await publicRsaJwk(key);
  const id = kid || (await calculateJwkThumbprint({ kty, n, e }, 'sha256'));
  return { kid: id, key, publicJwk: { kty, n, e, kid: id } };
}

interface ReadKey {
  key: KeyObject;
  kid?: string;
}

function fromJwks(text: string): ReadKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes part of its input in its message: never pass it on
    throw new Error('not valid JSON');
  }
  // a private JWKS, or (tolerated) a single private JWK
  const keys: unknown[] | undefined = isObject(parsed) && Array.isArray(parsed.keys) ? parsed.keys : isObject(parsed) && 'kty' in parsed ? [parsed] : undefined;
  if (!keys) throw new Error('not a JWKS');
  if (!keys.length) throw new Error('no private key found');
  return keys.map((jwk, i) => {
    const position = i + 1;
    if (!isObject(jwk) || jwk.kty !== 'RSA' || typeof jwk.d !== 'string') throw new Error(`key ${position}: not an RSA private key`);
    if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !jwk.kid)) throw new Error(`key ${position}: kid is not a string`);
    return { key: checkedRsaKey(position, () => crypto.createPrivateKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' })), kid: jwk.kid };
  });
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----([\s\S]*?)-----END \1PRIVATE KEY-----/g;

function fromPem(text: string): ReadKey[] {
  // a PEM pasted into a single-line field (or an env var) may carry literal \n (as the connection's signing key)
  const normal = text.includes('\n') ? text : text.replace(/\\r\\n|\\n/g, '\n');
  const blocks = [...normal.matchAll(PEM_BLOCK)];
  if (!blocks.length) throw new Error('no private key found');
  return blocks.map((block, i) => {
    const position = i + 1;
    const label = block[1].trim();
    const inner = block[2];
    if (label === 'ENCRYPTED' || inner.includes(':')) throw new Error(`key ${position}: encrypted private keys are not supported`);
    if (label === 'OPENSSH') throw new Error(`key ${position}: OpenSSH keys are not supported (use PKCS#8 or PKCS#1)`);
    if (label !== '' && label !== 'RSA') throw new Error(`key ${position}: not an RSA private key`);
    // re-wrapped from its base64 alone, so a paste that lost or mangled line breaks still reads
    const body = inner.replace(/\s+/g, '');
    const pem = `-----BEGIN ${block[1]}PRIVATE KEY-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${block[1]}PRIVATE KEY-----\n`;
    return { key: checkedRsaKey(position, () => crypto.createPrivateKey(pem)) };
  });
}

/**
 * Reads decryption keys from credential text: a private JWKS (`{"keys": [RSA JWKs with d, p, q, dp, dq, qi]}`) or one
 * or more PEM private keys (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`, literal `\n` tolerated).
 * RSA only, at least 2048 bits; kids must be distinct. Throws a short Error naming the key by position.
 */
export async function parseDecryptionKeys(text: string): Promise<PrivateKeyEntry[]> {
  const trimmed = text.trim();
  if (!trimmed) throw new Error('no private key found');
  const read = trimmed.startsWith('{') ? fromJwks(trimmed) : fromPem(trimmed);
  const entries: PrivateKeyEntry[] = [];
  for (const [i, { key, kid }] of read.entries()) {
    const entry = await entryFor(key, kid);
    if (entries.some((other) => other.kid === entry.kid)) throw new Error(`key ${i + 1}: duplicate kid`);
    entries.push(entry);
  }
  return entries;
}

/** The public halves as a JWKS to publish (Nexus "Public Key URL"): kty, n, e, kid, alg, use — nothing private. */
export function publicJwks(entries: PrivateKeyEntry[], alg = 'RSA-OAEP', use = 'enc'): { keys: JWK[] } {
  return {
    // built member by member, so nothing but the public members can ever appear
    keys: entries.map(({ kid, publicJwk }) => ({ kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, kid, alg, use })),
  };
}

/**
 * Decrypts a compact JWE: with the key its protected header's `kid` names, and only that one; with no `kid`, or one
 * that names no entry, each key in order (A256GCM authenticates, so a wrong key fails). Throws when none decrypts.
 */
export async function decryptCompact(jwe: string, entries: PrivateKeyEntry[], options: DecryptOptions): Promise<Uint8Array> {
  const compact = jwe.trim();
  let kid: unknown;
  try {
    if (compact.split('.').length !== 5) throw new Error('not compact');
    kid = decodeProtectedHeader(compact).kid;
  } catch {
    throw new Error('not a compact JWE');
  }
  const named = typeof kid === 'string' ? entries.find((entry) => entry.kid === kid) : undefined;
  const candidates = named ? [named] : entries;
  const joseOptions = { keyManagementAlgorithms: options.keyManagementAlgorithms, contentEncryptionAlgorithms: options.contentEncryptionAlgorithms };
  for (const entry of candidates) {
    try {
      const { plaintext } = await compactDecrypt(compact, entry.key, joseOptions);
      return plaintext;
    } catch {
      /* the next key, if any */
    }
  }
  throw new Error(named ? 'the key named by kid does not decrypt the payload' : 'no key decrypts the payload');
}

/**
 * The public half of the Biller Direct connection's RSA request-signing key (docs/api-notes.md §2.10) as a JWKS for
 * Nexus: alg RS256, use sig, kid as given or the RFC 7638 thumbprint. A public KeyObject is accepted too.
 */
export async function signingJwks(privateKey: KeyObject, kid?: string): Promise<{ keys: JWK[] }> {
  if (privateKey.type === 'secret' || privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
  const entry = await entryFor(privateKey, kid);
  return { keys: [{ kty: entry.publicJwk.kty, n: entry.publicJwk.n, e: entry.publicJwk.e, kid: entry.kid, alg: 'RS256', use: 'sig' }] };
}
