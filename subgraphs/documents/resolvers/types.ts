import { Directive, Field, ID, Int, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { StaffOnly } from '../../../platform/graphql/visibility';
import { DocumentType } from '../domain/checklist';
import type { DocumentRow } from '../model/document';

registerEnumType(DocumentType, { name: 'DocumentType' });

export enum DocumentStatus {
  UPLOADED = 'UPLOADED',
  VALIDATED = 'VALIDATED',
  REJECTED = 'REJECTED',
  /** Deleted by the applicant (or KYC staff) before review; kept for the record, not counted. */
  DELETED = 'DELETED',
}
registerEnumType(DocumentStatus, { name: 'DocumentStatus' });

@ObjectType({ description: 'An uploaded document (one version of one type for one application).' })
@Directive('@key(fields: "id")')
export class Document {
  @Field(() => ID) id!: string;
  @Field(() => DocumentType) type!: DocumentType;
  @Field(() => Int, { description: '1 for the first upload of this type, then 2, 3…' }) version!: number;
  @Field(() => String) fileName!: string;
  @Field(() => String, { description: 'Detected from the bytes.' }) contentType!: string;
  @Field(() => Int) size!: number;
  @Field(() => String) sha256!: string;
  @Field(() => DocumentStatus) status!: DocumentStatus;
  @Field(() => String, { nullable: true }) rejectionReason!: string | null;
  @Field(() => Date) uploadedAt!: Date;
  @Field(() => ID, {
    nullable: true,
    description: 'Who uploaded it: staff see everyone; a customer their own id.',
  })
  @UseMiddleware(StaffOnly)
  uploadedBy!: string | null;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationDocuments {
  @Field(() => ID) id!: string;
}

/** A document as GraphQL and the upload endpoint show it. */
export function toDocument(row: DocumentRow): Document & { applicationId: string } {
  return {
    id: row.id,
    applicationId: row.applicationId,
    type: row.type as DocumentType,
    version: row.versionNo,
    fileName: row.fileName,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    status: row.status as DocumentStatus,
    rejectionReason: row.rejectionReason,
    uploadedAt: row.uploadedAt,
    uploadedBy: row.uploadedBy,
  };
}
