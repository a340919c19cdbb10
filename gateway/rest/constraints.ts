import { FREQUENCIES, METHODS } from '../../platform/finance';
import { ALL_ROLES, Role } from '../../platform/roles';
import { CONTROLS, type JsonSchema } from './json-schema';

// What the graph accepts beyond its GraphQL types, stated for the REST schemas. The router validates
// requests against these schemas, so a rule here may be stricter than the subgraph's (the request is
// refused either way) but never looser: schemathesis, run in CI, fails on a schema-valid request the
// graph refuses. Keys are `InputType.field`, or `rootField.argument` for a variable given to a root field.

/** zod's e-mail rule (identity), without its leading trim. */
const EMAIL: JsonSchema = {
  maxLength: 254,
  pattern:
    "^(?!\\.)(?!.*\\.\\.)[A-Za-z0-9_'+\\-.]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\\.)+[A-Za-z]{2,}$",
};
/**
 * Text the subgraphs trim first: no surrounding spaces, so what is checked is what was sent. Spelled so
 * that JavaScript (ajv, zod's trim) and Python (schemathesis) agree: `.` stops at \r in one and not the
 * other, and only JavaScript counts U+FEFF as a space.
 */
const text = (min: number, max: number, refused = CONTROLS): JsonSchema => ({
  minLength: min,
  maxLength: max,
  pattern: `^[^\\s\\ufeff${refused}](?:[^${refused}]*[^\\s\\ufeff${refused}])?$`,
});
/** A person's or a key's name (platform/validation displayName): no invisible or direction-changing marks. */
const name = (min: number, max: number): JsonSchema =>
  text(min, max, `${CONTROLS}\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069`);
/** identity's normalizeMobile, with separators only between the prefix and digits and among the digits. */
export const MOBILE: JsonSchema = {
  maxLength: 40,
  pattern: '^(?:(?:\\+91|0091|91|0)[ -]*)?[6-9](?:[ -]*[0-9]){9}$',
};
const POSITIVE_MINOR: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: '^(?:[1-9][0-9]{0,10}|100000000000)$' },
    { type: 'integer', minimum: 1, maximum: 100_000_000_000 },
  ],
};
/** zod's uuid(): RFC 9562 versions 1–8. */
const UUID: JsonSchema = {
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$',
};
/** Every POST may carry one; payments require it. */
export const IDEMPOTENCY_KEY: JsonSchema = { type: 'string', pattern: '^\\S{8,100}$' };
const PAGE_SIZE: JsonSchema = { minimum: 1, maximum: 100 };

export const PAYMENT_METHODS = ['UPI', 'NEFT', 'IMPS', 'RTGS', 'NACH', 'CHEQUE', 'CASH'];
export const PAYMENT_PURPOSES = ['INSTALMENT', 'FORECLOSURE', 'PREPAY_REDUCE_EMI', 'PREPAY_REDUCE_TENURE'];
export const PREPAYMENT_OPTIONS = ['REDUCE_EMI', 'REDUCE_TENURE'];
/** The offer terms offers accepts field by field (domain/kfs TERMS_LIMITS; checked by the unit test). */
export const OFFER_LIMITS = {
  minAmountMinor: 100_000,
  maxAmountMinor: 100_000_000_000,
  maxRateBps: 5000,
  minTenureMonths: 3,
  maxTenureMonths: 360,
};
/** Minor units from `min` to 10^11, as digits (the pattern spells the same range) or an integer. */
const minorFrom = (min: number, pattern: string): JsonSchema => ({
  anyOf: [
    { type: 'string', pattern },
    { type: 'integer', minimum: min, maximum: OFFER_LIMITS.maxAmountMinor },
  ],
});

/** Roles an account made by an admin, or a partner API key, may carry (identity refuses CUSTOMER and SYSTEM). */
export const KEY_ROLES = ALL_ROLES.filter((r) => r !== Role.CUSTOMER && r !== Role.SYSTEM);

export const CONSTRAINTS: Record<string, JsonSchema> = {
  'PageInput.first': PAGE_SIZE,
  'myNotifications.first': PAGE_SIZE,
  'RegisterInput.email': EMAIL,
  'RegisterInput.password': { minLength: 12, maxLength: 128 },
  'RegisterInput.fullName': name(2, 120),
  'RegisterInput.phone': MOBILE,
  'LoginInput.email': EMAIL,
  'LoginInput.password': { minLength: 1, maxLength: 128 },
  // A profile change names at least one field, and a named field is not null (nothing to clear).
  ProfileInput: { minProperties: 1 },
  'ProfileInput.fullName': { ...name(2, 120), type: 'string' },
  'ProfileInput.phone': { ...MOBILE, not: { type: 'null' } },
  'ProfileInput.address': { not: { type: 'null' } },
  'AddressInput.line1': text(1, 200),
  'AddressInput.line2': { maxLength: 200 },
  'AddressInput.city': text(1, 100),
  'AddressInput.state': text(1, 100),
  'AddressInput.postalCode': { pattern: '^[1-9][0-9]{5}$' },
  'ApplicationInput.merchantCategory': { pattern: '^[0-9]{4}$' },
  'ApplicationPatch.merchantCategory': { pattern: '^[0-9]{4}$' },
  'PaymentInput.loanId': UUID,
  'PaymentInput.amount': POSITIVE_MINOR,
  'PaymentInput.method': { enum: PAYMENT_METHODS },
  'PaymentInput.purpose': { enum: PAYMENT_PURPOSES },
  'PaymentInput.reference': { maxLength: 100 },
  'recordPayment.idempotencyKey': IDEMPOTENCY_KEY,
  'updateNotificationPreferences.preferences': { minItems: 1, maxItems: 7, uniqueItems: true },
  'StaffUserInput.email': EMAIL,
  'StaffUserInput.password': { minLength: 12, maxLength: 128 },
  'StaffUserInput.fullName': name(2, 120),
  'StaffUserInput.roles': { minItems: 1, items: { enum: KEY_ROLES } },
  'verifyPayment.reason': text(3, 1000),
  'verifySignedAgreement.reason': text(3, 1000),
  'foreclosureQuote.date': { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  'prepaymentPreview.amount': POSITIVE_MINOR,
  'waiveCharges.amount': POSITIVE_MINOR,
  'waiveCharges.reason': text(3, 1000),
  // A product's charge code (schema/loan-product.json) and a calendar date.
  'setDatedCharge.code': { pattern: '^[A-Z][A-Z0-9_]{1,39}$' },
  'setDatedCharge.reason': text(3, 1000),
  'setDatedCharge.date': { format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  'prepaymentPreview.option': { enum: PREPAYMENT_OPTIONS },
  'prepaymentPreview.date': { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  'OfferTermsInput.amount': minorFrom(OFFER_LIMITS.minAmountMinor, '^(?:[1-9][0-9]{5,10}|100000000000)$'),
  'OfferTermsInput.annualRateBps': { minimum: 0, maximum: OFFER_LIMITS.maxRateBps },
  'OfferTermsInput.tenureMonths': {
    minimum: OFFER_LIMITS.minTenureMonths,
    maximum: OFFER_LIMITS.maxTenureMonths,
  },
  'OfferTermsInput.processingFee': minorFrom(0, '^(?:0|[1-9][0-9]{0,10}|100000000000)$'),
  'OfferTermsInput.frequency': { enum: [...FREQUENCIES, null] },
  'OfferTermsInput.method': { enum: [...METHODS, null] },
  'OfferTermsInput.moratoriumPeriods': { minimum: 0, maximum: 24 },
  'assignKyc.officerId': UUID,
  'decideKyc.reason': text(3, 1000),
  'decideRisk.reason': text(3, 1000),
  'declineOffer.reason': text(3, 1000),
  'decideApproval.comment': text(3, 2000),
  'ApiKeyInput.userId': UUID,
  'ApiKeyInput.name': name(2, 80),
  'disableUser.reason': text(3, 500),
  'changePassword.newPassword': { minLength: 12, maxLength: 128 },
  'resetPassword.newPassword': { minLength: 12, maxLength: 128 },
  'requestPasswordReset.email': { maxLength: 320 },
  'ApiKeyInput.roles': { minItems: 1, items: { enum: KEY_ROLES } },
};

/** A derived schema with the graph's own rule for `key` laid over it. */
export function constrained(key: string, schema: JsonSchema): JsonSchema {
  const rule = CONSTRAINTS[key];
  if (!rule) return schema;
  // A replacement alternative (anyOf) drops the derived one; plain keywords add to it.
  if (rule.anyOf) {
    const { type: _t, anyOf: _a, pattern: _p, ...rest } = schema;
    return { ...rest, ...rule };
  }
  return { ...schema, ...rule };
}
