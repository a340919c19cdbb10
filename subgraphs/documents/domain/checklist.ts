export enum DocumentType {
  PAN_CARD = 'PAN_CARD',
  AADHAAR = 'AADHAAR',
  BANK_STATEMENT = 'BANK_STATEMENT',
  SALARY_SLIP = 'SALARY_SLIP',
  ITR = 'ITR',
  PROJECT_REPORT = 'PROJECT_REPORT',
  COLLATERAL_DEED = 'COLLATERAL_DEED',
  PAYMENT_PROOF = 'PAYMENT_PROOF',
  SIGNED_AGREEMENT = 'SIGNED_AGREEMENT',
  OTHER = 'OTHER',
}

export const isDocumentType = (t: string): t is DocumentType =>
  (Object.values(DocumentType) as string[]).includes(t);

const D = DocumentType;
const IDENTITY = [D.PAN_CARD, D.AADHAAR, D.BANK_STATEMENT];

/** What a complete application of each facility type carries before KYC review. */
export const REQUIRED_DOCUMENTS: Record<string, readonly DocumentType[]> = {
  TERM_LOAN: [...IDENTITY, D.ITR],
  WORKING_CAPITAL: [...IDENTITY, D.ITR],
  PROJECT_FINANCE: [...IDENTITY, D.ITR, D.PROJECT_REPORT],
  EQUIPMENT_FINANCE: [...IDENTITY, D.ITR, D.COLLATERAL_DEED],
  PERSONAL_LOAN: [...IDENTITY, D.SALARY_SLIP],
};

/** Types that are evidence handed to another service (loans, payments) as soon as they arrive. */
export const EVIDENCE: readonly string[] = [DocumentType.PAYMENT_PROOF, DocumentType.SIGNED_AGREEMENT];

/** Rejected and deleted documents count as not there. */
export const isLive = (d: { status: string }) => d.status !== 'REJECTED' && d.status !== 'DELETED';

/** Why a document cannot be deleted now; null when it can (only unreviewed, non-evidence documents). */
export function deletionProblem(d: { type: string; status: string }): string | null {
  if (d.status !== 'UPLOADED') return `the document is ${d.status}; only one awaiting review can be deleted`;
  if (EVIDENCE.includes(d.type)) return `a ${d.type} is decided where it was handed in, not deleted`;
  return null;
}

/** Required types with no live document: none uploaded, or only rejected or deleted ones. */
export function missingDocuments(
  facilityType: string,
  documents: readonly { type: string; status: string }[],
): DocumentType[] {
  const present = new Set(documents.filter(isLive).map((d) => d.type));
  return (REQUIRED_DOCUMENTS[facilityType] ?? IDENTITY).filter((t) => !present.has(t));
}
