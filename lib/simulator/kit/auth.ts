/** Credential helpers shared by the simulator modules: constant-time comparison and Authorization header parsing. */
import { timingSafeEqual } from 'node:crypto';
import type { RecordedRequest } from '../server';

/** Compares two strings without revealing where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The credential of an `Authorization: <scheme> <credential>` header (scheme in any case), or undefined. */
export function authParam(req: RecordedRequest, scheme: 'Basic' | 'Bearer'): string | undefined {
  return new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, 'i').exec(req.headers.authorization ?? '')?.[1];
}

/** Base64 `user:password` of a Basic credential split at the first colon, or undefined without a colon. */
export function decodeBasic(credential: string): [string, string] | undefined {
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}
