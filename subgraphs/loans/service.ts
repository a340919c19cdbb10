import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type Caller, canSee, hasRole } from '../../platform/auth';
import { config } from '../../platform/config';
import { entityFromRow, markForCommit, updateVersioned } from '../../platform/db';
import { lazyDocumentStore } from '../../platform/docstore';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type CloudEvent, type EventOf, recordEvent } from '../../platform/events';
import {
  DEFAULT_REPAYMENT,
  type Frequency,
  lendingDay,
  type Method,
  type RepaymentTerms,
} from '../../platform/finance';
import { logger } from '../../platform/log';
import { notifier } from '../../platform/notify/http';
import { NotifierUnavailable } from '../../platform/notify/port';
import { type Contact, openContact } from '../../platform/pii';
import {
  allCharges,
  coolingOffDaysOf,
  describeCharge,
  productOfTerms,
  roundingOf,
} from '../../platform/products';
import { Role } from '../../platform/roles';
import { parseInput, type RecordRef, refKey, staffReason } from '../../platform/validation';
import { renderAgreement, stampSignature } from './domain/agreement-pdf';
import { AgreementStatus, checkOtp, OTP_MAX_ATTEMPTS, OTP_TTL_MS, otpHash } from './domain/esign';
import { agreementEvents } from './events';
import { AgreementFileRow, AgreementRow, ContactRow, ContractRow, SignedUploadRow } from './model/agreement';

const log = logger('agreements');
export const AGREEMENTS = 'agreements';
const BUCKET = 'agreements';
export const LENDER = 'LoanFlow Finance Ltd.';
/** Loan operations: who verifies a signed copy the customer uploaded. */
export const SIGNATURE_VERIFIERS = [Role.INTERNAL_APPROVER, Role.MANAGER, Role.ADMIN];

const files = lazyDocumentStore();
/** Agreement files live in the document store (GridFS), like every other file. */
export const agreementFiles = files.get;
export const closeAgreementFiles = files.close;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// ---- events in -------------------------------------------------------------------------------------

/** offers → loans: the accepted terms, which the agreement will state. */
export async function onOfferAccepted(m: EntityManager, event: EventOf<'discussion.offer.accepted'>) {
  const d = event.data;
  await m.query(
    `INSERT INTO contracts (application_id, customer_id, offer) VALUES ($1, $2, $3)
     ON CONFLICT (application_id) DO UPDATE SET offer = EXCLUDED.offer`,
    [d.applicationId, d.customerId, JSON.stringify(event.data)],
  );
}

/** identity → loans: the encrypted contact card (name for the agreement, mobile for the OTP). */
export async function onContact(m: EntityManager, event: EventOf<'customer.contact.updated'>) {
  const d = event.data;
  await m.upsert(ContactRow, { customerId: d.customerId, contact: d.contact }, ['customerId']);
}

/** documents → loans: a signed copy the customer may offer instead of e-signing. */
export async function onDocumentUploaded(m: EntityManager, event: EventOf<'document.uploaded'>) {
  const d = event.data;
  if (d.type !== 'SIGNED_AGREEMENT') return;
  await m
    .createQueryBuilder()
    .insert()
    .into(SignedUploadRow)
    .values({
      documentId: d.documentId,
      applicationId: d.applicationId,
      ownerId: d.ownerId,
      sha256: d.sha256,
    })
    .orIgnore()
    .execute();
}

/** approvals → loans: the sanction queues the agreement for generation (off the request path). */
export async function onFinalApproved(m: EntityManager, event: EventOf<'approval.final.approved'>) {
  const { applicationId } = event.data;
  const contract = await m.findOne(ContractRow, { where: { applicationId } });
  if (!contract)
    throw new Error(`application ${applicationId} was approved before loans saw its accepted offer`);
  const id = randomUUID();
  await m.query(
    `INSERT INTO agreements (id, application_id, customer_id, number, status, file_version, otp_attempts, created_at, version)
     VALUES ($1, $2, $3, $4, $5, 0, 0, $6, 1) ON CONFLICT (application_id) DO NOTHING`,
    [
      id,
      applicationId,
      contract.customerId,
      `LA-${id.slice(0, 8).toUpperCase()}`,
      AgreementStatus.PENDING,
      event.time,
    ],
  );
  markForCommit(m, AGREEMENTS);
}

// ---- generation (background) -----------------------------------------------------------------------

/**
 * How the accepted offer says the loan is repaid (offers sent before repayment terms existed: monthly EMI),
 * with the instalment rounded as its product version says.
 */
export const repaymentOf = (offer: Record<string, unknown>): RepaymentTerms => ({
  frequency: (offer.frequency as Frequency | undefined) ?? DEFAULT_REPAYMENT.frequency,
  method: (offer.method as Method | undefined) ?? DEFAULT_REPAYMENT.method,
  moratoriumPeriods: Number(offer.moratoriumPeriods ?? 0),
  rounding: roundingOf(productOfTerms(offer)),
});

/** The contact card, decrypted for use; never logged. */
export async function contactOf(db: DataSource | EntityManager, customerId: string): Promise<Contact | null> {
  const row = await db.getRepository(ContactRow).findOne({ where: { customerId } });
  return row ? openContact(row.contact) : null;
}

/** Generates the oldest waiting agreement; SKIP LOCKED lets several replicas share the work. */
export const generateNext = (db: DataSource) => generate(db, null);

/**
 * Claims a waiting agreement (the oldest, or the one with `id`) and generates it. False when there was
 * none to claim (another replica has it) or the borrower's contact card has not arrived yet.
 */
async function generate(db: DataSource, id: string | null): Promise<boolean> {
  const [rows]: [Record<string, unknown>[], number] = await db.query(
    `UPDATE agreements SET claimed_at = now() WHERE id IN (
       SELECT id FROM agreements WHERE status = $1 AND (claimed_at IS NULL OR claimed_at < now() - interval '1 minute')
          AND ($2::uuid IS NULL OR id = $2)
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [AgreementStatus.PENDING, id],
  );
  const claimed = rows[0];
  if (!claimed) return false;
  const a = entityFromRow(db, AgreementRow, claimed);
  const contract = await db
    .getRepository(ContractRow)
    .findOneOrFail({ where: { applicationId: a.applicationId } });
  const contact = await contactOf(db, a.customerId);
  if (!contact) {
    log.warn({ agreementId: a.id }, 'no contact card for the borrower yet; will retry');
    return false;
  }
  const o = contract.offer as Record<string, string | number>;
  const bytes = await renderAgreement({
    agreementNumber: a.number,
    applicationId: a.applicationId,
    borrower: { name: contact.name, customerId: a.customerId },
    lender: LENDER,
    amountMinor: BigInt(o.amountMinor as string),
    currency: String(o.currency),
    annualRateBps: Number(o.annualRateBps),
    tenureMonths: Number(o.tenureMonths),
    repayment: repaymentOf(o),
    processingFeeMinor: BigInt(o.processingFeeMinor as string),
    emiMinor: BigInt(o.emiMinor as string),
    totalInterestMinor: BigInt(o.totalInterestMinor as string),
    totalPayableMinor: BigInt(o.totalPayableMinor as string),
    aprBps: Number(o.aprBps),
    charges: allCharges(productOfTerms(o)).map((ch) => ({
      name: ch.name,
      description: describeCharge(ch, productOfTerms(o)),
    })),
    coolingOffDays: coolingOffDaysOf(productOfTerms(o)),
    sanctionedOn: lendingDay(a.createdAt),
  });
  const file = await putVersion(a, bytes, 'GENERATED');
  await db.transaction((m) =>
    recordVersion(
      m,
      a,
      file,
      { status: AgreementStatus.GENERATED, claimedAt: null },
      agreementEvents.generated,
    ),
  );
  return true;
}

interface StoredFile {
  fileVersion: number;
  fileId: string;
  sha256: string;
  kind: string;
}

/** Puts the next file version into the store (outside any transaction: it is only referenced once recorded). */
async function putVersion(a: AgreementRow, bytes: Uint8Array, kind: string): Promise<StoredFile> {
  const fileVersion = a.fileVersion + 1;
  const hash = sha256(bytes);
  const fileId = await (await agreementFiles()).putFile(
    BUCKET,
    `${a.number}-v${fileVersion}.pdf`,
    Buffer.from(bytes),
    {
      agreementId: a.id,
      kind,
      sha256: hash,
    },
  );
  return { fileVersion, fileId, sha256: hash, kind };
}

/** Records a stored version with the agreement's new state and its event (in the caller's transaction). */
async function recordVersion(
  m: EntityManager,
  a: AgreementRow,
  file: StoredFile,
  patch: Partial<AgreementRow>,
  event: (done: AgreementRow) => CloudEvent,
) {
  const done = await updateVersioned(m, AgreementRow, a, {
    ...patch,
    fileVersion: file.fileVersion,
    sha256: file.sha256,
  });
  await m.insert(AgreementFileRow, { agreementId: a.id, ...file, storedAt: new Date() });
  await recordEvent(m, event(done));
  return done;
}

// ---- commands --------------------------------------------------------------------------------------

/** The agreement named by its id or its application's, locked for the change about to be made. */
async function lockAgreement(m: EntityManager, ref: RecordRef) {
  const a = isUuid(refKey(ref))
    ? await m.findOne(AgreementRow, { where: ref, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!a) throw notFound('agreement');
  return a;
}

async function ownAgreement(m: EntityManager, customer: Caller, ref: RecordRef) {
  const a = await lockAgreement(m, ref);
  if (a.customerId !== customer.userId) throw notFound('agreement');
  return a;
}

const maskPhone = (phone: string) => `${phone.slice(0, 3)}******${phone.slice(-2)}`;

/** Sends a 6-digit code to the borrower's registered mobile; a new request replaces the code (5 minutes). */
export async function startEsign(db: DataSource, customer: Caller, ref: RecordRef) {
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const { agreement, phone } = await db.transaction(async (m) => {
    const a = await ownAgreement(m, customer, ref);
    if (a.status === AgreementStatus.ESIGN_LOCKED) {
      throw new AppError(
        'FAILED_PRECONDITION',
        'e-sign is locked after too many wrong codes; upload a signed copy',
      );
    }
    if (a.status !== AgreementStatus.GENERATED && a.status !== AgreementStatus.ESIGN_PENDING) {
      throw new AppError('FAILED_PRECONDITION', `the agreement cannot be e-signed while ${a.status}`);
    }
    const contact = await contactOf(m, a.customerId);
    if (!contact?.phone) {
      throw new AppError(
        'FAILED_PRECONDITION',
        'no mobile number on file; add one to your profile or upload a signed copy',
      );
    }
    const done = await updateVersioned(m, AgreementRow, a, {
      status: AgreementStatus.ESIGN_PENDING,
      otpHash: otpHash(config().OTP_SECRET, a.id, otp),
      otpExpiresAt: new Date(Date.now() + OTP_TTL_MS),
    });
    return { agreement: done, phone: contact.phone };
  });
  try {
    await notifier().send({
      channel: 'sms',
      to: phone,
      text: `${otp} is your LoanFlow code to sign loan agreement ${agreement.number}. It expires in 5 minutes. Never share it.`,
    });
  } catch (err) {
    if (err instanceof NotifierUnavailable)
      throw new AppError('UNAVAILABLE', 'the code could not be sent; try again shortly');
    throw err;
  }
  return { agreement, sentTo: maskPhone(phone) };
}

/**
 * Signs with the code: the stored file is checked against its hash, the signature record (signer, time,
 * IP, hash of what was signed) is stamped into a new version, and `agreement.signed` is published.
 */
export async function confirmEsign(
  db: DataSource,
  customer: Caller,
  ref: RecordRef,
  otp: string,
  ip: string | undefined,
) {
  type Outcome =
    | { agreement: AgreementRow }
    | { error: string; code: 'BAD_USER_INPUT' | 'FAILED_PRECONDITION' };
  const outcome = await db.transaction(async (m): Promise<Outcome> => {
    const a = await ownAgreement(m, customer, ref);
    const check = checkOtp(a, otp, otpHash(config().OTP_SECRET, a.id, otp), new Date());
    if (!check.ok) {
      const done = await updateVersioned(m, AgreementRow, a, {
        otpAttempts: check.attempts,
        ...(check.locked ? { status: AgreementStatus.ESIGN_LOCKED, otpHash: null, otpExpiresAt: null } : {}),
      });
      if (check.locked) await recordEvent(m, agreementEvents.esignLocked(done, customer.userId));
      return {
        error: check.reason,
        code: check.locked ? ('FAILED_PRECONDITION' as const) : ('BAD_USER_INPUT' as const),
      };
    }
    const unsigned = await readVersion(m, a, a.fileVersion);
    if (sha256(unsigned) !== a.sha256) {
      throw new AppError(
        'FAILED_PRECONDITION',
        'the stored agreement does not match its hash; it cannot be signed',
      );
    }
    const contact = await contactOf(m, a.customerId);
    const signedAt = new Date();
    const signed = await stampSignature(unsigned, {
      signer: contact?.name ?? customer.userId,
      customerId: a.customerId,
      signedAt: signedAt.toISOString(),
      ip: ip ?? 'unknown',
      method: 'one-time password sent to the registered mobile',
      unsignedSha256: a.sha256,
    });
    const done = await recordVersion(
      m,
      a,
      await putVersion(a, signed, 'SIGNED'),
      {
        status: AgreementStatus.SIGNED,
        signMethod: 'OTP',
        signedAt,
        signedIp: ip ?? null,
        otpHash: null,
        otpExpiresAt: null,
      },
      (x) => agreementEvents.signed(x, customer.userId, 'OTP'),
    );
    return { agreement: done };
  });
  if ('error' in outcome) throw new AppError(outcome.code, outcome.error, { field: 'otp' });
  return outcome.agreement;
}

/** One stored version of an agreement as a file to download (a signed link was checked before). */
export async function agreementDownload(db: DataSource, agreementId: string, fileVersion: number) {
  const a = isUuid(agreementId)
    ? await db.getRepository(AgreementRow).findOne({ where: { id: agreementId } })
    : null;
  if (!a) throw notFound('agreement');
  return {
    content: Buffer.from(await readVersion(db.manager, a, fileVersion)),
    fileName: `${a.number}-v${fileVersion}.pdf`,
  };
}

async function readVersion(m: EntityManager, a: AgreementRow, fileVersion: number) {
  const row = await m.findOne(AgreementFileRow, { where: { agreementId: a.id, fileVersion } });
  const file = row ? await (await agreementFiles()).getFile(BUCKET, row.fileId) : null;
  if (!file) throw new AppError('FAILED_PRECONDITION', 'the agreement file is missing from the store');
  return new Uint8Array(file.content);
}

/** The borrower offers a signed copy they uploaded through documents; staff verify it. */
export async function uploadSignedAgreement(
  db: DataSource,
  customer: Caller,
  ref: RecordRef,
  documentId: string,
) {
  return db.transaction(async (m) => {
    const a = await ownAgreement(m, customer, ref);
    const allowed = [AgreementStatus.GENERATED, AgreementStatus.ESIGN_PENDING, AgreementStatus.ESIGN_LOCKED];
    if (!allowed.includes(a.status)) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `a signed copy cannot be offered while the agreement is ${a.status}`,
      );
    }
    const upload = isUuid(documentId) ? await m.findOne(SignedUploadRow, { where: { documentId } }) : null;
    if (!upload || upload.ownerId !== customer.userId || upload.applicationId !== a.applicationId) {
      throw notFound('signed agreement document');
    }
    const done = await updateVersioned(m, AgreementRow, a, {
      status: AgreementStatus.UPLOADED,
      uploadedDocumentId: documentId,
    });
    await recordEvent(m, agreementEvents.uploaded(done, customer.userId));
    return done;
  });
}

/** Loan operations accept the uploaded copy (the agreement is signed) or send it back with a reason. */
export async function verifySignedUpload(
  db: DataSource,
  staff: Caller,
  ref: RecordRef,
  accept: boolean,
  reason: string,
) {
  const why = parseInput(staffReason, reason);
  return db.transaction(async (m) => {
    const a = await lockAgreement(m, ref);
    if (a.status !== AgreementStatus.UPLOADED) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `there is no uploaded copy to verify (the agreement is ${a.status})`,
      );
    }
    if (!accept) {
      log.info({ agreementId: a.id, reason: why }, 'uploaded copy sent back');
      return updateVersioned(m, AgreementRow, a, {
        status: a.otpAttempts >= OTP_MAX_ATTEMPTS ? AgreementStatus.ESIGN_LOCKED : AgreementStatus.GENERATED,
        uploadedDocumentId: null,
      });
    }
    const upload = await m.findOneOrFail(SignedUploadRow, {
      where: { documentId: a.uploadedDocumentId ?? '' },
    });
    const done = await updateVersioned(m, AgreementRow, a, {
      status: AgreementStatus.SIGNED,
      signMethod: 'UPLOAD',
      signedAt: new Date(),
      verifiedBy: staff.userId,
      sha256: upload.sha256,
    });
    await recordEvent(m, agreementEvents.signed(done, staff.userId, 'UPLOAD'));
    return done;
  });
}

export interface Integrity {
  intact: boolean;
  files: { fileVersion: number; kind: string; recorded: string; actual: string | null; intact: boolean }[];
}

/** Tamper check: every stored version is read back and hashed against the hash recorded when it was stored. */
export async function verifyAgreement(
  db: DataSource,
  caller: Caller | null,
  agreementId: string,
): Promise<Integrity> {
  const a = await getAgreement(db, caller, agreementId);
  const rows = await filesOf(db, a.id);
  const files = await agreementFiles();
  const checked = await Promise.all(
    rows.map(async (r) => {
      const file = await files.getFile(BUCKET, r.fileId);
      const actual = file ? sha256(file.content) : null;
      return {
        fileVersion: r.fileVersion,
        kind: r.kind,
        recorded: r.sha256,
        actual,
        intact: actual === r.sha256,
      };
    }),
  );
  if (checked.some((f) => !f.intact))
    log.error({ agreementId: a.id }, 'agreement file does not match its recorded hash');
  return { intact: checked.every((f) => f.intact), files: checked };
}

// ---- queries ---------------------------------------------------------------------------------------

/** Every stored version of an agreement's file, oldest first. */
export const filesOf = (db: DataSource, agreementId: string) =>
  db.getRepository(AgreementFileRow).find({ where: { agreementId }, order: { fileVersion: 'ASC' } });

export async function getAgreement(db: DataSource, caller: Caller | null, id: string) {
  const a = isUuid(id) ? await db.getRepository(AgreementRow).findOne({ where: { id } }) : null;
  if (!a || !canSee(caller, a.customerId)) throw notFound('agreement');
  return a;
}

/** Staff who may have an agreement generated now rather than by the background worker. */
export const GENERATORS = [Role.CREDIT_HEAD, Role.ADMIN];

/**
 * The sanctioned application's agreement, generated now if it is still waiting for the worker (a
 * generated or signed one is returned as it is). Before the final approval there is none.
 */
export async function generateAgreement(db: DataSource, caller: Caller, applicationId: string) {
  const find = () =>
    isUuid(applicationId)
      ? db.getRepository(AgreementRow).findOne({ where: { applicationId } })
      : Promise.resolve(null);
  const a = await find();
  const staff = hasRole(caller, ...GENERATORS);
  if (!a && staff) {
    throw new AppError('FAILED_PRECONDITION', 'the application has no final approval yet, so no agreement');
  }
  if (!a || !canSee(caller, a.customerId)) throw notFound('agreement');
  if (!staff && caller.userId !== a.customerId) throw new AppError('FORBIDDEN', 'not allowed');
  if (a.status === AgreementStatus.PENDING) await generate(db, a.id);
  return (await find()) ?? a;
}

export async function agreementFor(db: DataSource, caller: Caller | null, applicationId: string) {
  const a = isUuid(applicationId)
    ? await db.getRepository(AgreementRow).findOne({ where: { applicationId } })
    : null;
  return a && canSee(caller, a.customerId) ? a : null;
}
