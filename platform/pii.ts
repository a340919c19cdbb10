import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { config } from './config';
import { badInput } from './errors';

const PAN_RE = /^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$/;

/** PAN: five letters (the fourth is the holder type), four digits, one letter. */
export function normalizePan(input: string): string {
  const pan = input.trim().toUpperCase();
  if (!PAN_RE.test(pan)) throw badInput('PAN must look like ABCPE1234F', 'pan');
  return pan;
}

// Verhoeff tables: Aadhaar numbers carry a Verhoeff check digit.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  const rev = [...digits].reverse();
  for (let i = 0; i < rev.length; i++) c = D[c]?.[P[i % 8]?.[Number(rev[i])] ?? 0] ?? 0;
  return c === 0;
}

/** Aadhaar: 12 digits, not starting with 0 or 1, with a valid Verhoeff check digit. */
export function normalizeAadhaar(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^[2-9][0-9]{11}$/.test(digits) || !verhoeffValid(digits)) {
    throw badInput('Aadhaar must be 12 digits with a valid check digit', 'aadhaar');
  }
  return digits;
}

export const maskPan = (pan: string) => `XXXXX${pan.slice(5)}`;
export const maskAadhaar = (aadhaar: string) => `XXXX-XXXX-${aadhaar.slice(-4)}`;

function keys(): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const pair of config().PII_KEYS.split(',')) {
    const [id, b64] = pair.split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || key.length !== 32) throw new Error(`PII key ${id ?? '?'} must be 32 bytes (base64)`);
    map.set(id, key);
  }
  return map;
}

/** AES-256-GCM under the current key; the key id travels in the value so old keys still decrypt. */
export function encryptPii(plain: string): string {
  const keyId = config().PII_KEY_ID;
  const key = keys().get(keyId);
  if (!key) throw new Error(`PII key ${keyId} is not configured`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${keyId}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
}

export function decryptPii(value: string): string {
  const [version, keyId, ivText, ctText] = value.split('.');
  const key = keyId ? keys().get(keyId) : undefined;
  if (version !== 'v1' || !key || !ivText || !ctText) throw new Error('unreadable PII value');
  const body = Buffer.from(ctText, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

export function piiKeyId(value: string): string | undefined {
  return value.split('.')[1];
}

/** A person's name as screening compares it: letters and single spaces, upper case. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/-/g, ' ')
    .replace(/[^\p{L}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

/**
 * Blind index for equality look-ups (duplicate PAN/Aadhaar): a keyed SHA-256 (HMAC), because a plain
 * hash of a 10-character PAN or a 12-digit Aadhaar can be reversed by trying them all.
 */
export function blindIndex(kind: 'pan' | 'aadhaar' | 'name', normalized: string): string {
  return createHmac('sha256', config().BLIND_INDEX_KEY).update(`${kind}:${normalized}`).digest('hex');
}

/** Lets other services screen a name against a watchlist without ever receiving the name. */
export const nameIndex = (fullName: string) => blindIndex('name', normalizeName(fullName));

/** The contact card identity publishes encrypted (customer.contact.updated), for the services that write to people. */
export interface Contact {
  name: string;
  email: string;
  phone: string | null;
}

export const openContact = (encrypted: string) => JSON.parse(decryptPii(encrypted)) as Contact;

/**
 * What partner lenders' rules need to know of a borrower (age and home state), published encrypted by
 * identity with its KYC data and kept encrypted by the lenders service until a waterfall is planned.
 */
export interface LendingProfile {
  dateOfBirth: string;
  state: string;
}

export const sealLendingProfile = (p: LendingProfile) => encryptPii(JSON.stringify(p));
export const openLendingProfile = (encrypted: string) => JSON.parse(decryptPii(encrypted)) as LendingProfile;
