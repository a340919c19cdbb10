import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type Caller, canSee, hasRole } from '../../platform/auth';
import { config } from '../../platform/config';
import { updateVersioned } from '../../platform/db';
import type { DocumentStore } from '../../platform/docstore';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type CloudEvent, type EventOf, recordEvent } from '../../platform/events';
import { Role } from '../../platform/roles';
import { DocumentType, deletionProblem, isDocumentType, missingDocuments } from './domain/checklist';
import { checkContent } from './domain/content';
import { documentEvents } from './events';
import { ApplicationRefRow, DocumentRow } from './model/document';

export const BUCKET = 'documents';
/** Who may accept or reject documents. */
export const REVIEWERS = [Role.KYC_OFFICER, Role.KYC_MANAGER, Role.ADMIN];

export interface Upload {
  applicationId: string;
  type: string;
  fileName: string;
  declaredType?: string;
  bytes: Buffer;
}

async function applicationFor(db: DataSource | EntityManager, caller: Caller, applicationId: string) {
  const ref = isUuid(applicationId)
    ? await db.getRepository(ApplicationRefRow).findOne({ where: { applicationId } })
    : null;
  if (!ref || !canSee(caller, ref.customerId)) throw notFound('application');
  return ref;
}

/**
 * Stores a document after checking its bytes. The same bytes for the same application are reported as
 * a duplicate and not stored again; another upload of a type becomes its next version.
 */
export async function upload(
  db: DataSource,
  store: DocumentStore,
  caller: Caller,
  input: Upload,
): Promise<{ document: DocumentRow; duplicate: boolean }> {
  const type = input.type;
  if (!isDocumentType(type)) {
    throw new AppError('BAD_USER_INPUT', `type must be one of ${Object.values(DocumentType).join(', ')}`, {
      field: 'type',
    });
  }
  const app = await applicationFor(db, caller, input.applicationId);
  if (caller.userId !== app.customerId && !hasRole(caller, ...REVIEWERS)) {
    throw new AppError('FORBIDDEN', 'only the applicant or KYC staff upload documents');
  }
  const contentType = await checkContent(input.bytes, input.declaredType, config().DOCUMENT_MAX_BYTES);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const existing = await db
    .getRepository(DocumentRow)
    .findOne({ where: { applicationId: app.applicationId, sha256 } });
  if (existing?.status === 'DELETED')
    return { document: await restore(db, existing, caller, type), duplicate: false };
  // One file is one document of an application: the same bytes declared as another type are refused
  // (answering "already there" would leave the caller believing it is now the type they sent).
  if (existing && existing.type !== type) {
    throw new AppError('CONFLICT', `this file is already uploaded as ${existing.type}; delete that first`, {
      field: 'type',
      documentId: existing.id,
      type: existing.type,
    });
  }
  if (existing) return { document: existing, duplicate: true };

  // The bytes go first; should the metadata transaction fail, an unreferenced file is left, never a
  // record without its file.
  const fileName = input.fileName.replace(/[^\w.\- ]/g, '_').slice(0, 200) || 'document';
  const storageId = await store.putFile(BUCKET, fileName, input.bytes, {
    applicationId: app.applicationId,
    sha256,
    contentType,
  });
  const document = await db.transaction(async (m) => {
    const row = m.create(DocumentRow, {
      id: randomUUID(),
      applicationId: app.applicationId,
      ownerId: app.customerId,
      type,
      versionNo: await nextVersion(m, app.applicationId, type),
      fileName,
      contentType,
      size: input.bytes.length,
      sha256,
      storageId,
      status: 'UPLOADED',
      rejectionReason: null,
      uploadedBy: caller.userId,
      uploadedAt: new Date(),
      decidedBy: null,
      decidedAt: null,
    });
    await m.save(row);
    await recordEvent(m, documentEvents.uploaded(row, caller.userId));
    return row;
  });
  return { document, duplicate: false };
}

/** The version an application's next document of a type gets. */
async function nextVersion(m: EntityManager, applicationId: string, type: string): Promise<number> {
  const [{ next }] = await m.query(
    'SELECT coalesce(max(version_no), 0) + 1 AS next FROM documents WHERE application_id = $1 AND type = $2',
    [applicationId, type],
  );
  return Number(next);
}

/**
 * The same bytes uploaded again after a deletion bring the deleted document back, awaiting review — as the
 * type now declared (a file deleted because it was filed under the wrong type comes back under the right
 * one, as that type's next version).
 */
function restore(db: DataSource, doc: DocumentRow, caller: Caller, type: DocumentType) {
  return db.transaction(async (m) => {
    const retyped =
      type === doc.type
        ? {}
        : {
            type,
            versionNo: await nextVersion(m, doc.applicationId, type),
          };
    const back = await updateVersioned(m, DocumentRow, doc, {
      ...retyped,
      status: 'UPLOADED',
      deletedBy: null,
      deletedAt: null,
      uploadedBy: caller.userId,
      uploadedAt: new Date(),
    });
    await recordEvent(m, documentEvents.uploaded(back, caller.userId));
    return back;
  });
}

/** The applicant (or KYC staff) deletes a document nobody has reviewed yet; its record and bytes are kept. */
export async function deleteDocument(db: DataSource, caller: Caller, id: string) {
  return db.transaction(async (m) => {
    const doc = isUuid(id)
      ? await m.findOne(DocumentRow, { where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!doc || !canSee(caller, doc.ownerId)) throw notFound('document');
    if (caller.userId !== doc.ownerId && !hasRole(caller, ...REVIEWERS)) {
      throw new AppError('FORBIDDEN', 'only the applicant or KYC staff delete documents');
    }
    const problem = deletionProblem(doc);
    if (problem) throw new AppError('ILLEGAL_TRANSITION', problem);
    const done = await updateVersioned(m, DocumentRow, doc, {
      status: 'DELETED',
      deletedBy: caller.userId,
      deletedAt: new Date(),
    });
    await recordEvent(m, documentEvents.deleted(done, caller.userId));
    return done;
  });
}

async function decide(
  db: DataSource,
  caller: Caller,
  id: string,
  status: 'VALIDATED' | 'REJECTED',
  reason: string | null,
  event: (d: DocumentRow, actor: string) => CloudEvent,
) {
  return db.transaction(async (m) => {
    const doc = isUuid(id) ? await m.findOne(DocumentRow, { where: { id } }) : null;
    if (!doc) throw notFound('document');
    if (doc.status !== 'UPLOADED') {
      throw new AppError('ILLEGAL_TRANSITION', `the document is already ${doc.status}`);
    }
    await updateVersioned(m, DocumentRow, doc, {
      status,
      rejectionReason: reason,
      decidedBy: caller.userId,
      decidedAt: new Date(),
    });
    await recordEvent(m, event(doc, caller.userId));
    return doc;
  });
}

export const validateDocument = (db: DataSource, caller: Caller, id: string) =>
  decide(db, caller, id, 'VALIDATED', null, documentEvents.validated);

export function rejectDocument(db: DataSource, caller: Caller, id: string, reason: string) {
  const why = reason.trim();
  if (why.length < 3 || why.length > 500) {
    throw new AppError('BAD_USER_INPUT', 'reason: 3 to 500 characters', { field: 'reason' });
  }
  return decide(db, caller, id, 'REJECTED', why, documentEvents.rejected);
}

export async function getDocument(db: DataSource, caller: Caller | null, id: string) {
  const doc = isUuid(id) ? await db.getRepository(DocumentRow).findOne({ where: { id } }) : null;
  if (!doc || !canSee(caller, doc.ownerId)) throw notFound('document');
  return doc;
}

/** Every version, newest first within a type. */
export function documentsOf(db: DataSource, applicationIds: readonly string[]) {
  return db
    .getRepository(DocumentRow)
    .createQueryBuilder('d')
    .where('d.application_id IN (:...ids)', { ids: [...applicationIds] })
    .orderBy('d.type')
    .addOrderBy('d.version_no', 'DESC')
    .getMany();
}

export async function documentsFor(db: DataSource, caller: Caller | null, applicationId: string) {
  if (!caller) return [];
  await applicationFor(db, caller, applicationId);
  return documentsOf(db, [applicationId]);
}

export async function missingFor(db: DataSource, caller: Caller | null, applicationId: string) {
  if (!caller) return [];
  const app = await applicationFor(db, caller, applicationId);
  return missingDocuments(app.facilityType, await documentsOf(db, [applicationId]));
}

/** applications → documents: who owns an application and what it is for. */
export async function onApplicationTerms(
  m: EntityManager,
  event: EventOf<'application.created' | 'application.updated'>,
) {
  const d = event.data;
  await m.upsert(
    ApplicationRefRow,
    { applicationId: d.applicationId, customerId: d.customerId, facilityType: d.facilityType },
    ['applicationId'],
  );
}
