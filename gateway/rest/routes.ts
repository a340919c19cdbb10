import { Role } from '../../platform/roles';

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /api/v1, OpenAPI-style: /applications/{id}. */
  path: string;
  tag: string;
  summary: string;
  /** Who may call it; the graph checks roles and ownership again. */
  roles: 'public' | 'authenticated' | readonly Role[];
  status?: 200 | 201 | 202;
  /**
   * "METHOD /path" of the route this one repeats under another name (the seed's API table and our own
   * forms both kept; see docs/decisions.md): same operation, same answer, documented as an alias.
   */
  alias?: string;
  /** Also served at this path outside /api/v1 (the table's /health/{service} and /metrics). */
  atRoot?: true;
}

/**
 * One REST route of the partner API, declared once: the router and the OpenAPI document are both built
 * from these. Variables of the operation are filled by name from the path, then (GET/DELETE) the query
 * string — an input-object variable's fields become query parameters — or (POST/PUT/PATCH) the JSON body.
 */
export interface GraphQLRoute extends RouteBase {
  /** One GraphQL operation with one root field; that field's value is the response body. */
  operation: string;
  /** The variable that takes the whole JSON body (otherwise each body property is a variable). */
  body?: string;
  /** Variables the route fixes (not the caller). */
  fixed?: Record<string, unknown>;
  /** Variables taken from request headers, e.g. { idempotencyKey: 'Idempotency-Key' }. */
  headers?: Record<string, string>;
  /** A field of the root value to answer with instead of the whole value. */
  pick?: string;
  /**
   * A file upload: the multipart body (these fields, typed by GraphQL type name, and `file`) goes to a
   * subgraph's file route; the id in its answer then becomes the operation's `variable`.
   */
  upload?: { subgraph: string; path: string; fields: Record<string, string>; id: string; variable: string };
  /** A path parameter that must be the caller's own id (the operation acts on the caller). */
  self?: string;
}

/** A route the gateway answers itself (no GraphQL behind it), with its declared parameters and answer. */
export interface GatewayRoute extends RouteBase {
  serve: 'health' | 'metrics';
  /** Path parameters: name → JSON Schema. */
  pathParams?: Record<string, Record<string, unknown>>;
  response: { type: 'application/json' | 'text/plain'; schema: Record<string, unknown> };
  /** Other statuses answered with the same body, e.g. { 503: 'unavailable' }. */
  also?: Record<number, string>;
}

export type RestRoute = GraphQLRoute | GatewayRoute;

/** The gateway and every subgraph (rover.yaml), as /health/{service} names them. */
export const SERVICES = [
  'gateway',
  'identity',
  'applications',
  'documents',
  'kyc',
  'risk',
  'offers',
  'approvals',
  'loans',
  'payments',
  'notifications',
  'lenders',
];

/** Who reads the whole book: loan operations, the credit head and admins. */
const MANAGEMENT = [Role.MANAGER, Role.CREDIT_HEAD, Role.ADMIN] as const;
const STAFF_KYC = [Role.KYC_OFFICER, Role.KYC_MANAGER, Role.ADMIN] as const;
const STAFF_RISK = [Role.RISK_OFFICER, Role.RISK_MANAGER, Role.ADMIN] as const;

const USER = 'id email fullName roles';
const ADMIN_USER = `${USER} disabled locked`;
const DEAD_LETTER = 'offset eventId type source group errorClass error attempts failedAt payload';
const AUTH = `accessToken refreshToken expiresIn user { ${USER} }`;
const MONEY = 'minor currency formatted';
const CUSTOMER = `id fullName email phone dateOfBirth address { line1 line2 city state postalCode } pan aadhaar kycStatus kycSubmittedAt createdAt`;
const APPLICATION = `id status amount { ${MONEY} } tenureMonths facilityType purpose submittedAt createdAt updatedAt kycDataReceived agreement { id status } loan { id status }`;
const TIMELINE = 'at action fromStatus toStatus actorKind actorId reason';
const DOCUMENT = 'id type version fileName contentType size status';
const PAGE_INFO = 'pageInfo { endCursor hasNextPage } totalCount';
const REVIEW = 'id status assignedTo decisionReason decidedBy openedAt assignedAt verifiedAt decidedAt';
const RISK = `id status score grade recommendation reasons bureauScore bureauBand proposedEmi { ${MONEY} } dtiBps foirBps ltvBps policyVersion manualReviewReason decision decisionReason decidedBy createdAt completedAt decidedAt`;
const OFFER = `id applicationId version status amount { ${MONEY} } annualRateBps tenureMonths processingFee { ${MONEY} } frequency method moratoriumPeriods productCode productVersion validUntil responseReason sentAt respondedAt`;
const APPROVAL = 'id applicationId level role status comment decidedBy decidedAt pendingSince';
const AGREEMENT =
  'id applicationId number status sha256 fileVersion signMethod signedAt otpAttemptsLeft downloadUrl createdAt';
const DATED_CHARGE = `id loanId code date reason levied { ${MONEY} } leviedOn`;
const LOAN = `id applicationId accountNumber status closureReason principal { ${MONEY} } annualRateBps instalments frequency method disbursedOn activatedAt fundedAt lenderCode`;
const INSTALMENT = `n dueDate opening { ${MONEY} } principal { ${MONEY} } interest { ${MONEY} } total { ${MONEY} } closing { ${MONEY} } status`;
const ACCOUNT = `principalOutstanding { ${MONEY} } interestDue { ${MONEY} } feesDue { ${MONEY} } penaltiesDue { ${MONEY} } nextDueDate nextDueAmount { ${MONEY} } daysPastDue bucket`;
const PRODUCT = 'code version name document publishedAt';
const PAYMENT = `id loanId amount { ${MONEY} } method purpose reference status decisionReason receivedAt verifiedAt`;
const NOTIFICATION = 'id eventType category title body regulatory read createdAt readAt';
const PREFERENCE = 'category email sms push inApp';
const API_KEY = 'id userId name roles prefix createdBy createdAt expiresAt lastUsedAt revokedAt';

const DECLARED: readonly RestRoute[] = [
  // customers
  {
    method: 'POST',
    path: '/customers/register',
    tag: 'customers',
    summary:
      'Start a sign-up: a link to confirm the e-mail address is sent to it (the account opens with POST /auth/verify-email). The answer is the same whether or not the address already has an account.',
    roles: 'public',
    operation: `mutation($input: RegisterInput!) { register(input: $input) { email } }`,
    body: 'input',
    status: 202,
  },
  {
    method: 'GET',
    path: '/customers/{id}/profile',
    tag: 'customers',
    summary: 'A customer’s profile and KYC status (PAN and Aadhaar masked): the customer themself, or staff.',
    roles: 'authenticated',
    operation: `query($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`,
  },
  {
    method: 'GET',
    path: '/customers/profile',
    tag: 'customers',
    summary: 'The signed-in customer’s profile (PAN and Aadhaar masked), without knowing their id.',
    roles: [Role.CUSTOMER],
    operation: `query { me { customer { ${CUSTOMER} } } }`,
    pick: 'customer',
  },
  {
    method: 'PUT',
    path: '/customers/profile',
    tag: 'customers',
    summary: 'Change name, phone or address.',
    roles: [Role.CUSTOMER],
    operation: `mutation($input: ProfileInput!) { updateProfile(input: $input) { ${CUSTOMER} } }`,
    body: 'input',
  },
  {
    method: 'PUT',
    path: '/customers/{id}/kyc',
    tag: 'customers',
    summary: 'Submit or correct the customer’s own KYC data (PAN, Aadhaar, date of birth, address).',
    roles: [Role.CUSTOMER],
    operation: `mutation($input: KycInput!) { submitKyc(input: $input) { ${CUSTOMER} } }`,
    body: 'input',
    self: 'id',
  },
  // auth
  {
    method: 'POST',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in with e-mail and password.',
    roles: 'public',
    operation: `mutation($input: LoginInput!) { login(input: $input) { ${AUTH} } }`,
    body: 'input',
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    tag: 'auth',
    summary: 'Exchange a refresh token (single use) for a new pair.',
    roles: 'public',
    operation: `mutation($refreshToken: String!) { refresh(refreshToken: $refreshToken) { ${AUTH} } }`,
  },
  {
    method: 'POST',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Revoke a refresh token.',
    roles: 'public',
    operation: `mutation($refreshToken: String!) { logout(refreshToken: $refreshToken) }`,
  },
  {
    method: 'POST',
    path: '/auth/verify-email',
    tag: 'auth',
    summary: 'Open the account with the token from the sign-up e-mail; answers with tokens.',
    roles: 'public',
    operation: `mutation($token: String!) { verifyEmail(token: $token) { ${AUTH} } }`,
  },
  {
    method: 'POST',
    path: '/auth/password-reset',
    tag: 'auth',
    summary:
      'E-mail a single-use password-reset link. Always accepted: whether the address has an account is not told.',
    roles: 'public',
    operation: `mutation($email: String!) { requestPasswordReset(email: $email) }`,
    status: 202,
  },
  {
    method: 'POST',
    path: '/auth/password-reset/confirm',
    tag: 'auth',
    summary:
      'Set a new password with the token from the reset e-mail; ends every session and unlocks the account.',
    roles: 'public',
    operation: `mutation($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }`,
  },
  {
    method: 'POST',
    path: '/auth/change-password',
    tag: 'auth',
    summary: 'Change the signed-in user’s password; every other session ends, this one gets new tokens.',
    roles: 'authenticated',
    operation: `mutation($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) { ${AUTH} } }`,
  },
  // applications
  {
    method: 'POST',
    path: '/applications',
    tag: 'applications',
    summary: 'Create a draft loan application.',
    roles: [Role.CUSTOMER],
    operation: `mutation($input: ApplicationInput!) { createApplication(input: $input) { ${APPLICATION} } }`,
    body: 'input',
    status: 201,
  },
  {
    method: 'GET',
    path: '/applications/{id}',
    tag: 'applications',
    summary: 'One application (its owner or staff).',
    roles: 'authenticated',
    operation: `query($id: ID!) { application(id: $id) { ${APPLICATION} } }`,
  },
  {
    method: 'POST',
    path: '/applications/{id}/submit',
    tag: 'applications',
    summary: 'Submit a draft for review.',
    roles: [Role.CUSTOMER],
    operation: `mutation($id: ID!) { submitApplication(id: $id) { ${APPLICATION} } }`,
  },
  {
    method: 'GET',
    path: '/applications/{id}/timeline',
    tag: 'applications',
    summary: 'Every status change and action on an application, oldest first.',
    roles: 'authenticated',
    operation: `query($id: ID!) { application(id: $id) { timeline { ${TIMELINE} } } }`,
    pick: 'timeline',
  },
  // documents
  {
    method: 'GET',
    path: '/applications/{id}/documents',
    tag: 'documents',
    summary: 'The documents uploaded for an application.',
    roles: 'authenticated',
    operation: `query($id: ID!, $latestOnly: Boolean) { application(id: $id) { documents(latestOnly: $latestOnly) { ${DOCUMENT} } } }`,
    pick: 'documents',
  },
  {
    method: 'POST',
    path: '/documents',
    tag: 'documents',
    summary:
      'Upload a document (multipart: applicationId, type, file — PDF, JPEG or PNG, checked by its bytes). The same file again answers 200 with the stored document.',
    roles: 'authenticated',
    operation: `query($id: ID!) { document(id: $id) { ${DOCUMENT} } }`,
    upload: {
      subgraph: 'documents',
      path: '/documents',
      fields: { applicationId: 'ID', type: 'DocumentType' },
      id: 'document.id',
      variable: 'id',
    },
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/documents/{docId}',
    tag: 'documents',
    summary:
      'Delete a document awaiting review (kept on record as DELETED; the same file again restores it).',
    roles: 'authenticated',
    operation: `mutation($docId: ID!) { deleteDocument(id: $docId) { ${DOCUMENT} } }`,
  },
  // kyc
  {
    method: 'GET',
    path: '/kyc/queue',
    tag: 'kyc',
    summary: 'KYC reviews waiting, oldest first (cursor pagination).',
    roles: STAFF_KYC,
    operation: `query($page: PageInput, $filter: KycQueueFilter) { kycQueue(page: $page, filter: $filter) { nodes { ${REVIEW} application { id status } } ${PAGE_INFO} } }`,
  },
  {
    method: 'POST',
    path: '/kyc/{appId}/assign',
    tag: 'kyc',
    summary: 'Assign the application’s KYC review to an officer (KYC manager).',
    roles: [Role.KYC_MANAGER],
    operation: `mutation($appId: ID!, $officerId: ID!) { assignKyc(applicationId: $appId, officerId: $officerId) { ${REVIEW} } }`,
  },
  {
    method: 'PUT',
    path: '/kyc/{appId}/verify',
    tag: 'kyc',
    summary: 'Record the assigned officer’s checklist for the application’s KYC review.',
    roles: [Role.KYC_OFFICER],
    operation: `mutation($appId: ID!, $checklist: KycChecklistInput!) { verifyKyc(applicationId: $appId, checklist: $checklist) { ${REVIEW} } }`,
  },
  {
    method: 'POST',
    path: '/kyc/{appId}/decision',
    tag: 'kyc',
    summary: 'Approve or reject the application’s verified KYC review (KYC manager).',
    roles: [Role.KYC_MANAGER],
    operation: `mutation($appId: ID!, $approve: Boolean!, $reason: String!) { decideKyc(applicationId: $appId, approve: $approve, reason: $reason) { ${REVIEW} } }`,
  },
  // risk
  {
    method: 'POST',
    path: '/risk/{appId}/assess',
    tag: 'risk',
    summary: 'Run (or re-run) the risk assessment.',
    roles: [Role.RISK_OFFICER],
    operation: `mutation($appId: ID!) { assessRisk(applicationId: $appId) { ${RISK} } }`,
  },
  {
    method: 'GET',
    path: '/risk/{appId}/report',
    tag: 'risk',
    summary: 'The score, grade and affordability figures.',
    roles: STAFF_RISK,
    operation: `query($appId: ID!) { riskReport(applicationId: $appId) { ${RISK} } }`,
  },
  {
    method: 'POST',
    path: '/risk/{appId}/decision',
    tag: 'risk',
    summary: 'Approve for discussion or reject (risk manager).',
    roles: [Role.RISK_MANAGER],
    operation: `mutation($appId: ID!, $approve: Boolean!, $reason: String!) { decideRisk(applicationId: $appId, approve: $approve, reason: $reason) { ${RISK} } }`,
  },
  // loan products
  {
    method: 'GET',
    path: '/products',
    tag: 'products',
    summary: 'Staff: every loan product as in force now (its latest version, the document as JSON text).',
    roles: 'authenticated',
    operation: `query { loanProducts { ${PRODUCT} } }`,
  },
  {
    method: 'GET',
    path: '/products/{code}/versions/{version}',
    tag: 'products',
    summary: 'Staff: one version of a loan product (every version is kept).',
    roles: 'authenticated',
    operation: `query($code: String!, $version: Int!) { loanProduct(code: $code, version: $version) { ${PRODUCT} } }`,
  },
  {
    method: 'POST',
    path: '/admin/products',
    tag: 'products',
    summary:
      'CREDIT_HEAD or ADMIN: publish a product document (schema/loan-product.json, as JSON text in `document`) as the next version of its code.',
    roles: [Role.CREDIT_HEAD, Role.ADMIN],
    operation: `mutation($document: String!) { publishLoanProduct(document: $document) { ${PRODUCT} } }`,
    status: 201,
  },
  // discussion
  {
    method: 'POST',
    path: '/discussion/{appId}/offer',
    tag: 'discussion',
    summary: 'Send an offer (a new round).',
    roles: [Role.RISK_OFFICER, Role.RISK_MANAGER],
    operation: `mutation($appId: ID!, $terms: OfferTermsInput!) { sendOffer(applicationId: $appId, terms: $terms) { ${OFFER} } }`,
    body: 'terms',
    status: 201,
  },
  {
    method: 'POST',
    path: '/discussion/{appId}/accept',
    tag: 'discussion',
    summary: 'Accept the application’s current offer (its latest round, before it expires).',
    roles: [Role.CUSTOMER],
    operation: `mutation($appId: ID!) { acceptOffer(applicationId: $appId) { ${OFFER} } }`,
  },
  {
    method: 'POST',
    path: '/discussion/{appId}/decline',
    tag: 'discussion',
    summary: 'Decline the application’s current offer; this closes the application.',
    roles: [Role.CUSTOMER],
    operation: `mutation($appId: ID!, $reason: String!) { declineOffer(applicationId: $appId, reason: $reason) { ${OFFER} } }`,
  },
  {
    method: 'POST',
    path: '/discussion/offers/{offerId}/accept',
    tag: 'discussion',
    summary: 'Accept this offer (one a newer round replaced can no longer be accepted).',
    roles: [Role.CUSTOMER],
    operation: `mutation($offerId: ID!) { acceptOffer(offerId: $offerId) { ${OFFER} } }`,
  },
  {
    method: 'POST',
    path: '/discussion/offers/{offerId}/decline',
    tag: 'discussion',
    summary: 'Decline this offer; this closes the application.',
    roles: [Role.CUSTOMER],
    operation: `mutation($offerId: ID!, $reason: String!) { declineOffer(offerId: $offerId, reason: $reason) { ${OFFER} } }`,
  },
  // approval
  ...(
    [
      ['internal', 1, [Role.INTERNAL_APPROVER]],
      ['management', 2, [Role.MANAGER]],
      ['final', 3, [Role.CREDIT_HEAD]],
    ] as const
  ).map(
    ([name, level, roles]): RestRoute => ({
      method: 'POST',
      path: `/approval/{appId}/${name}`,
      tag: 'approval',
      summary: `Level ${level} (${name}) approval or rejection.`,
      roles,
      operation: `mutation($appId: ID!, $level: Int!, $approve: Boolean!, $comment: String!) { decideApproval(applicationId: $appId, level: $level, approve: $approve, comment: $comment) { ${APPROVAL} } }`,
      fixed: { level },
    }),
  ),
  // agreement
  {
    method: 'POST',
    path: '/agreement/{appId}/generate',
    tag: 'agreement',
    summary: 'The sanctioned application’s agreement, generated now if still waiting (idempotent).',
    roles: [Role.CUSTOMER, Role.CREDIT_HEAD, Role.ADMIN],
    operation: `mutation($appId: ID!) { generateAgreement(applicationId: $appId) { ${AGREEMENT} } }`,
  },
  {
    method: 'POST',
    path: '/agreement/{appId}/esign',
    tag: 'agreement',
    summary: 'Start e-signing the application’s agreement: a one-time code goes to the borrower’s phone.',
    roles: [Role.CUSTOMER],
    operation: `mutation($appId: ID!) { startEsign(applicationId: $appId) { sentTo agreement { ${AGREEMENT} } } }`,
  },
  {
    method: 'POST',
    path: '/agreement/{appId}/esign/confirm',
    tag: 'agreement',
    summary: 'Sign the application’s agreement with the code.',
    roles: [Role.CUSTOMER],
    operation: `mutation($appId: ID!, $otp: String!) { confirmEsign(applicationId: $appId, otp: $otp) { ${AGREEMENT} } }`,
  },
  {
    method: 'POST',
    path: '/agreement/{appId}/upload',
    tag: 'agreement',
    summary:
      'Offer a manually signed copy of the application’s agreement (uploaded first as a SIGNED_AGREEMENT document) for verification.',
    roles: [Role.CUSTOMER],
    operation: `mutation($appId: ID!, $documentId: ID!) { uploadSignedAgreement(applicationId: $appId, documentId: $documentId) { ${AGREEMENT} } }`,
  },
  {
    method: 'POST',
    path: '/agreement/{appId}/upload/verify',
    tag: 'agreement',
    summary:
      'Loan operations: accept the uploaded signed copy (the agreement is signed) or send it back with the reason.',
    roles: [Role.INTERNAL_APPROVER, Role.MANAGER, Role.ADMIN],
    operation: `mutation($appId: ID!, $accept: Boolean!, $reason: String!) { verifySignedAgreement(applicationId: $appId, accept: $accept, reason: $reason) { ${AGREEMENT} } }`,
  },
  // activation
  {
    method: 'POST',
    path: '/activation/{appId}/trigger',
    tag: 'activation',
    summary:
      'Open the loan account of a signed application and send it to the lender waterfall (normally automatic on signing); ACTIVE once a lender funds it.',
    roles: [Role.ADMIN],
    operation: `mutation($appId: ID!) { activateLoan(applicationId: $appId) { ${LOAN} } }`,
  },
  {
    method: 'GET',
    path: '/activation/{loanId}/schedule',
    tag: 'activation',
    summary: 'The dated repayment schedule.',
    roles: 'authenticated',
    operation: `query($loanId: ID!) { loan(id: $loanId) { schedule { ${INSTALMENT} } } }`,
    pick: 'schedule',
  },
  {
    method: 'GET',
    path: '/activation/{loanId}/account',
    tag: 'activation',
    summary: 'Principal outstanding, dues, next instalment and days past due.',
    roles: 'authenticated',
    operation: `query($loanId: ID!) { loan(id: $loanId) { account { ${ACCOUNT} } } }`,
    pick: 'account',
  },
  // payments
  {
    method: 'POST',
    path: '/payments',
    tag: 'payments',
    summary: 'Record a payment (the Idempotency-Key makes a retry safe).',
    roles: [Role.CUSTOMER, Role.MANAGER, Role.ADMIN],
    operation: `mutation($input: PaymentInput!, $idempotencyKey: String!) { recordPayment(input: $input, idempotencyKey: $idempotencyKey) { ${PAYMENT} } }`,
    body: 'input',
    headers: { idempotencyKey: 'Idempotency-Key' },
    status: 201,
  },
  {
    method: 'POST',
    path: '/payments/{payId}/proof',
    tag: 'payments',
    summary: 'Attach an uploaded PAYMENT_PROOF document to a payment awaiting verification.',
    roles: [Role.CUSTOMER, Role.MANAGER, Role.ADMIN],
    operation: `mutation($payId: ID!, $documentId: ID!) { attachPaymentProof(paymentId: $payId, documentId: $documentId) { ${PAYMENT} } }`,
  },
  {
    method: 'POST',
    path: '/payments/{payId}/verify',
    tag: 'payments',
    summary: 'Loan operations: the money arrived (it is applied to the loan) or it did not.',
    roles: [Role.MANAGER, Role.ADMIN],
    operation: `mutation($payId: ID!, $accept: Boolean!, $reason: String!) { verifyPayment(paymentId: $payId, accept: $accept, reason: $reason) { ${PAYMENT} } }`,
  },
  {
    method: 'GET',
    path: '/payments/{loanId}/history',
    tag: 'payments',
    summary: 'Every payment on a loan.',
    roles: 'authenticated',
    operation: `query($loanId: ID!) { loan(id: $loanId) { payments { ${PAYMENT} } } }`,
    pick: 'payments',
  },
  {
    method: 'GET',
    path: '/payments/{loanId}/outstanding',
    tag: 'payments',
    summary:
      'What is owed, what is owed once payments awaiting verification are applied, and the next instalment due.',
    roles: 'authenticated',
    operation: `query($loanId: ID!) { loan(id: $loanId) { outstanding { total { ${MONEY} } pendingVerification { ${MONEY} } afterPending { ${MONEY} } nextDueDate nextDueAmount { ${MONEY} } } } }`,
    pick: 'outstanding',
  },
  // loans
  {
    method: 'GET',
    path: '/loans/{loanId}/foreclosure-quote',
    tag: 'loans',
    summary: 'What pays the loan off on a date (today by default, up to 30 days ahead).',
    roles: 'authenticated',
    operation: `query($loanId: ID!, $date: String) { foreclosureQuote(loanId: $loanId, date: $date) { asOf principal { ${MONEY} } interestDue { ${MONEY} } brokenPeriodInterest { ${MONEY} } penalties { ${MONEY} } fees { ${MONEY} } foreclosureCharge { ${MONEY} } foreclosureChargeGst { ${MONEY} } total { ${MONEY} } } }`,
  },
  {
    method: 'GET',
    path: '/loans/{loanId}/prepayment-preview',
    tag: 'loans',
    summary:
      'What a part-prepayment of `amount` would do on a date: REDUCE_EMI or REDUCE_TENURE, the new schedule, the interest saved.',
    roles: 'authenticated',
    operation: `query($loanId: ID!, $amount: MinorUnits!, $option: String!, $date: String) { prepaymentPreview(loanId: $loanId, amount: $amount, option: $option, date: $date) { asOf option dueSettled { ${MONEY} } accruedInterest { ${MONEY} } prepaid { ${MONEY} } prepaymentCharge { ${MONEY} } principalBefore { ${MONEY} } principalAfter { ${MONEY} } instalmentBefore { ${MONEY} } instalmentAfter { ${MONEY} } instalmentsBefore instalmentsAfter interestBefore { ${MONEY} } interestAfter { ${MONEY} } interestSaved { ${MONEY} } schedule { n dueDate principal { ${MONEY} } interest { ${MONEY} } total { ${MONEY} } } } }`,
  },
  {
    method: 'POST',
    path: '/loans/{loanId}/charges/waive',
    tag: 'loans',
    summary:
      'MANAGER, CREDIT_HEAD or ADMIN: waive up to the charges the loan owes, with the reason (the GST on them is reversed).',
    roles: [Role.MANAGER, Role.CREDIT_HEAD, Role.ADMIN],
    operation: `mutation($loanId: ID!, $amount: MinorUnits!, $reason: String!) { waiveCharges(loanId: $loanId, amount: $amount, reason: $reason) { ${LOAN} } }`,
  },
  {
    method: 'GET',
    path: '/loans/{loanId}/charges/dated',
    tag: 'loans',
    summary: 'The charges set on a loan for a date, levied or not.',
    roles: 'authenticated',
    operation: `query($loanId: ID!) { datedCharges(loanId: $loanId) { ${DATED_CHARGE} } }`,
  },
  {
    method: 'POST',
    path: '/loans/{loanId}/charges/dated',
    tag: 'loans',
    summary:
      'MANAGER, CREDIT_HEAD or ADMIN: set one of the product’s ON_DATE charges for a date (today by default), with the reason; levied at once when the date has come.',
    roles: [Role.MANAGER, Role.CREDIT_HEAD, Role.ADMIN],
    operation: `mutation($loanId: ID!, $code: String!, $reason: String!, $date: String) { setDatedCharge(loanId: $loanId, code: $code, reason: $reason, date: $date) { ${DATED_CHARGE} } }`,
  },
  {
    method: 'POST',
    path: '/loans/{loanId}/close',
    tag: 'loans',
    summary: 'Confirm the closure of a loan with nothing owed; otherwise a 422 says what is still owed.',
    roles: [Role.CUSTOMER, Role.MANAGER, Role.ADMIN],
    operation: `mutation($loanId: ID!) { closeLoan(loanId: $loanId) { ${LOAN} closedAt noDuesCertificate { sha256 issuedAt downloadUrl } } }`,
  },
  // notifications
  {
    method: 'GET',
    path: '/notifications/inbox',
    tag: 'notifications',
    summary: 'The caller’s notifications, newest first, with the unread count.',
    roles: 'authenticated',
    operation: `query($unreadOnly: Boolean, $after: String, $first: Int) { myNotifications(unreadOnly: $unreadOnly, after: $after, first: $first) { items { ${NOTIFICATION} } unreadCount pageInfo { endCursor hasNextPage } } }`,
  },
  {
    method: 'PATCH',
    path: '/notifications/{id}/read',
    tag: 'notifications',
    summary: 'Mark a notification read.',
    roles: 'authenticated',
    operation: `mutation($id: ID!) { markNotificationRead(id: $id) { ${NOTIFICATION} } }`,
  },
  {
    method: 'GET',
    path: '/notifications/preferences',
    tag: 'notifications',
    summary: 'Channels per category.',
    roles: 'authenticated',
    operation: `query { myNotificationPreferences { ${PREFERENCE} } }`,
  },
  {
    method: 'PUT',
    path: '/notifications/preferences',
    tag: 'notifications',
    summary: 'Choose channels per category.',
    roles: 'authenticated',
    operation: `mutation($preferences: [NotificationPreferenceInput!]!) { updateNotificationPreferences(preferences: $preferences) { ${PREFERENCE} } }`,
  },
  // admin
  {
    method: 'POST',
    path: '/admin/users',
    tag: 'admin',
    summary: 'Create a staff or partner account (a partner then gets an API key).',
    roles: [Role.ADMIN],
    operation: `mutation($input: StaffUserInput!) { createStaffUser(input: $input) { ${USER} } }`,
    body: 'input',
    status: 201,
  },
  {
    method: 'GET',
    path: '/admin/loans',
    tag: 'admin',
    summary: 'Every loan, newest first, by status or customer (cursor pagination).',
    roles: MANAGEMENT,
    operation: `query($filter: LoanFilter, $page: PageInput) { loans(filter: $filter, page: $page) { nodes { ${LOAN} } ${PAGE_INFO} } }`,
  },
  {
    method: 'GET',
    path: '/admin/reports/dashboard',
    tag: 'admin',
    summary:
      'Applications and loans by status, and the portfolio: by delinquency bucket, PAR30/PAR90, gross NPA and provision coverage.',
    roles: MANAGEMENT,
    operation: `query { dashboard { applicationsByStatus { status count oldestUpdate } loansByStatus { status count } portfolio { currency loans principalOutstanding { ${MONEY} } buckets { bucket loans principalOutstanding { ${MONEY} } } par30 { ${MONEY} } par90 { ${MONEY} } npaOutstanding { ${MONEY} } provisions { ${MONEY} } par30Bps par90Bps npaBps provisionCoverageBps } } }`,
  },
  {
    method: 'GET',
    path: '/admin/reports/trial-balance',
    tag: 'admin',
    summary: 'The loan book’s trial balance per lender, product and currency.',
    roles: MANAGEMENT,
    operation: `query { dashboard { trialBalance { lender product account glCode glName glType debit { ${MONEY} } credit { ${MONEY} } } } }`,
  },
  {
    method: 'GET',
    path: '/admin/close-of-business',
    tag: 'admin',
    summary: 'The latest close-of-business runs: progress, parked borrowers and time per step.',
    roles: MANAGEMENT,
    operation: `query { closeOfBusinessRuns(last: 10) { id businessDate startedAt finishedAt borrowers borrowersDone loansDone chunks chunksDone parked steps { step ms } } }`,
  },
  {
    method: 'GET',
    path: '/admin/close-of-business/parked',
    tag: 'admin',
    summary: 'Borrowers whose servicing failed, with the step and the reason, waiting for a retry.',
    roles: MANAGEMENT,
    operation: `query { parkedBorrowers { customerId businessDate step reason parkedAt attempts } }`,
  },
  {
    method: 'POST',
    path: '/admin/api-keys',
    tag: 'admin',
    summary: 'Issue a partner API key for an account, with some or all of its roles. The key is shown once.',
    roles: [Role.ADMIN],
    operation: `mutation($input: ApiKeyInput!) { createApiKey(input: $input) { apiKey { ${API_KEY} } key } }`,
    body: 'input',
    status: 201,
  },
  {
    method: 'GET',
    path: '/admin/api-keys',
    tag: 'admin',
    summary: 'Partner API keys, newest first (revoked ones on request).',
    roles: [Role.ADMIN],
    operation: `query($userId: ID, $includeRevoked: Boolean, $page: PageInput) { apiKeys(userId: $userId, includeRevoked: $includeRevoked, page: $page) { nodes { ${API_KEY} } ${PAGE_INFO} } }`,
  },
  {
    method: 'DELETE',
    path: '/admin/api-keys/{id}',
    tag: 'admin',
    summary: 'Revoke a partner API key; it stops working on every gateway at once.',
    roles: [Role.ADMIN],
    operation: `mutation($id: ID!) { revokeApiKey(id: $id) { ${API_KEY} } }`,
  },
  {
    method: 'POST',
    path: '/admin/users/{id}/disable',
    tag: 'admin',
    summary:
      'Disable an account: it cannot sign in, and its sessions and API keys stop working within seconds.',
    roles: [Role.ADMIN],
    operation: `mutation($id: ID!, $reason: String!) { disableUser(userId: $id, reason: $reason) { ${ADMIN_USER} } }`,
  },
  {
    method: 'POST',
    path: '/admin/users/{id}/enable',
    tag: 'admin',
    summary: 'Enable a disabled account, or unlock one locked after failed sign-ins.',
    roles: [Role.ADMIN],
    operation: `mutation($id: ID!) { enableUser(userId: $id) { ${ADMIN_USER} } }`,
  },
  {
    method: 'POST',
    path: '/admin/users/{id}/sign-out',
    tag: 'admin',
    summary: 'End every session of an account now (it may sign in again).',
    roles: [Role.ADMIN],
    operation: `mutation($id: ID!) { signOutUser(userId: $id) { ${ADMIN_USER} } }`,
  },
  {
    method: 'GET',
    path: '/admin/dead-letters',
    tag: 'admin',
    summary: 'Events a consumer could not handle, oldest first, with the error, the group and the tries.',
    roles: [Role.ADMIN],
    operation: `query($type: String, $group: String) { deadLetters(type: $type, group: $group) { ${DEAD_LETTER} } }`,
  },
  {
    method: 'POST',
    path: '/admin/dead-letters/replay',
    tag: 'admin',
    summary:
      'Hand dead letters back to the consumer groups that failed them (by event ids, type or group, or all); idempotent.',
    roles: [Role.ADMIN],
    operation: `mutation($eventIds: [ID!], $type: String, $group: String, $all: Boolean) { replayDeadLetters(eventIds: $eventIds, type: $type, group: $group, all: $all) { ${DEAD_LETTER} } }`,
  },
  // operations
  {
    method: 'GET',
    path: '/health/{service}',
    tag: 'operations',
    summary: 'Whether the gateway or one service is up (503 when it is not).',
    roles: 'public',
    serve: 'health',
    atRoot: true,
    pathParams: { service: { type: 'string', enum: SERVICES } },
    response: {
      type: 'application/json',
      schema: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['ok', 'ready', 'unavailable'] },
          service: { type: 'string' },
          version: { type: 'string' },
        },
        required: ['status', 'service'],
        additionalProperties: false,
      },
    },
    also: { 503: 'The service does not answer its readiness check.' },
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics of this gateway process (text exposition format).',
    roles: [Role.ADMIN],
    serve: 'metrics',
    atRoot: true,
    response: { type: 'text/plain', schema: { type: 'string' } },
  },
];

/**
 * A route under another method or path: the same declaration (roles, operation, answer), its operation's
 * path variables renamed to the alias's parameters, marked with what it repeats.
 */
function aliasOf(of: string, method: RouteBase['method'], path: string): RestRoute {
  const route = DECLARED.find((r) => `${r.method} ${r.path}` === of);
  if (!route) throw new Error(`alias of an undeclared route: ${of}`);
  const names = (p: string) => [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const [from, to] = [names(route.path), names(path)];
  const alias: RestRoute = { ...route, method, path, alias: of };
  if (!('operation' in alias)) return alias;
  from.forEach((name, i) => {
    if (to[i]) alias.operation = alias.operation.replace(new RegExp(`\\$${name}\\b`, 'g'), `$${to[i]}`);
  });
  if (alias.self && !to.includes(alias.self)) delete alias.self;
  return alias;
}

export const ROUTES: readonly RestRoute[] = [
  ...DECLARED,
  // The table's names and ours for the same thing (docs/decisions.md, "The seed's API table").
  aliasOf('PUT /customers/{id}/kyc', 'POST', '/customers/kyc'),
  aliasOf('GET /applications/{id}/documents', 'GET', '/documents/{appId}/list'),
  aliasOf('POST /documents', 'POST', '/documents/upload'),
  aliasOf('PATCH /notifications/{id}/read', 'POST', '/notifications/{id}/read'),
  aliasOf('GET /admin/reports/dashboard', 'GET', '/admin/dashboard'),
];
