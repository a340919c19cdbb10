import { newEvent } from '../../platform/events';
import type { AgreementRow } from './model/agreement';

const source = '/loanflow/loans';

const base = (a: AgreementRow, actorId?: string) => ({
  source,
  subject: a.id,
  partitionKey: a.applicationId,
  ...(actorId ? { actorId } : {}),
});
const ids = (a: AgreementRow) => ({
  agreementId: a.id,
  applicationId: a.applicationId,
  customerId: a.customerId,
});

/** Published by loans (agreements), keyed by application. */
export const agreementEvents = {
  generated: (a: AgreementRow) =>
    newEvent({
      type: 'agreement.generated',
      ...base(a),
      data: { ...ids(a), number: a.number, sha256: a.sha256 ?? '', fileVersion: a.fileVersion },
    }),
  signed: (a: AgreementRow, actorId: string) =>
    newEvent({
      type: 'agreement.signed',
      ...base(a, actorId),
      data: {
        ...ids(a),
        sha256: a.sha256 ?? '',
        method: a.signMethod ?? '',
        signedAt: (a.signedAt ?? new Date()).toISOString(),
      },
    }),
  uploaded: (a: AgreementRow, actorId: string) =>
    newEvent({
      type: 'agreement.uploaded',
      ...base(a, actorId),
      data: { ...ids(a), documentId: a.uploadedDocumentId ?? '' },
    }),
  esignLocked: (a: AgreementRow, actorId: string) =>
    newEvent({
      type: 'agreement.esign.locked',
      ...base(a, actorId),
      data: { ...ids(a), reason: 'too many wrong one-time passwords; a signed copy can be uploaded instead' },
    }),
};
