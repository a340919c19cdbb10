import { newEvent } from '../../platform/events';
import type { DocumentRow } from './model/document';

const source = '/loanflow/documents';

const data = (d: DocumentRow) => ({
  documentId: d.id,
  applicationId: d.applicationId,
  ownerId: d.ownerId,
  type: d.type,
  version: d.versionNo,
  sha256: d.sha256,
  contentType: d.contentType,
  size: d.size,
});

/** Published by documents, keyed by application. */
export const documentEvents = {
  uploaded: (d: DocumentRow, actorId: string) =>
    newEvent({
      type: 'document.uploaded',
      source,
      subject: d.id,
      partitionKey: d.applicationId,
      actorId,
      data: data(d),
    }),
  validated: (d: DocumentRow, actorId: string) =>
    newEvent({
      type: 'document.validated',
      source,
      subject: d.id,
      partitionKey: d.applicationId,
      actorId,
      data: data(d),
    }),
  deleted: (d: DocumentRow, actorId: string) =>
    newEvent({
      type: 'document.deleted',
      source,
      subject: d.id,
      partitionKey: d.applicationId,
      actorId,
      data: data(d),
    }),
  rejected: (d: DocumentRow, actorId: string) =>
    newEvent({
      type: 'document.rejected',
      source,
      subject: d.id,
      partitionKey: d.applicationId,
      actorId,
      data: { ...data(d), reason: d.rejectionReason ?? '' },
    }),
};
