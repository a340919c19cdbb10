import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from './config';

/** The signature of a download path until an expiry (seconds since the epoch). */
export function signPath(path: string, expiresAt: number, secret = config().DOCUMENT_URL_SECRET): string {
  return createHmac('sha256', secret).update(`${path}.${expiresAt}`).digest('base64url');
}

/** A download link (a path on the gateway) that works without a token until it expires. */
export function signedPath(path: string, now = Date.now()): string {
  const c = config();
  const expires = Math.floor(now / 1000) + c.DOCUMENT_URL_TTL_SECONDS;
  return `${path}?expires=${expires}&sig=${signPath(path, expires)}`;
}

export type SignatureCheck = 'ok' | 'expired' | 'invalid';

export function checkSignedPath(url: URL, now = Date.now()): SignatureCheck {
  const expires = url.searchParams.get('expires');
  const sig = url.searchParams.get('sig');
  const exp = Number(expires);
  if (!expires || !sig || !Number.isInteger(exp)) return 'invalid';
  const expected = Buffer.from(signPath(url.pathname, exp));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return exp * 1000 < now ? 'expired' : 'ok';
}
