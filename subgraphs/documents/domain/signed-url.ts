import { createHmac, timingSafeEqual } from 'node:crypto';

/** A download link that works without a token until it expires: HMAC over the document id and expiry. */
export function signDownload(documentId: string, expiresAt: number, secret: string): string {
  return createHmac('sha256', secret).update(`${documentId}.${expiresAt}`).digest('base64url');
}

export function downloadPath(documentId: string, now: number, ttlSeconds: number, secret: string): string {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  return `/documents/${documentId}/content?expires=${expires}&sig=${signDownload(documentId, expires, secret)}`;
}

export type SignatureCheck = 'ok' | 'expired' | 'invalid';

export function checkDownload(
  documentId: string,
  expires: string | null,
  sig: string | null,
  now: number,
  secret: string,
): SignatureCheck {
  const exp = Number(expires);
  if (!expires || !sig || !Number.isInteger(exp)) return 'invalid';
  const expected = Buffer.from(signDownload(documentId, exp, secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return exp * 1000 < now ? 'expired' : 'ok';
}
