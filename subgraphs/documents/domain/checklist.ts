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

/** Required types with no live document: none uploaded, or only rejected ones. */
export function missingDocuments(
  facilityType: string,
  documents: readonly { type: string; status: string }[],
): DocumentType[] {
  const present = new Set(documents.filter((d) => d.status !== 'REJECTED').map((d) => d.type));
  return (REQUIRED_DOCUMENTS[facilityType] ?? IDENTITY).filter((t) => !present.has(t));
}
