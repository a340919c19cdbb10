import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config } from '../platform/config';
import { signPath } from '../platform/signed-url';
import {
  applicationInput,
  CREATE,
  fixtures,
  registerCustomer,
  staffUser,
  uploadDocument,
} from './helpers/flows';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

const rows = async (applicationId: string) =>
  Number(
    (
      await platform
        .db('documents')
        .query('SELECT count(*) n FROM documents WHERE application_id = $1', [applicationId])
    )[0].n,
  );

/** A customer with a DRAFT application that the documents subgraph has heard of. */
async function applicant(facilityType = 'TERM_LOAN') {
  const c = await registerCustomer(platform.gql);
  const id = (await platform.gql(CREATE, { input: applicationInput({ facilityType }) }, c.token)).data
    ?.createApplication.id;
  await eventually(
    async () =>
      (await platform.db('documents').query('SELECT 1 FROM application_refs WHERE application_id = $1', [id]))
        .length,
  );
  return { ...c, applicationId: id as string };
}

const upload = (token: string | undefined, input: Parameters<typeof uploadDocument>[2]) =>
  uploadDocument(platform.gateway.url, token, input);

test('upload through the gateway: stored, versioned per type, duplicates reported not stored', async () => {
  const c = await applicant();
  const pdf = fixtures.pdf();
  const first = await upload(c.token, { applicationId: c.applicationId, type: 'BANK_STATEMENT', bytes: pdf });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.duplicate, false);
  assert.equal(first.body.document.version, 1);
  assert.equal(first.body.document.contentType, 'application/pdf');
  assert.equal(first.body.document.status, 'UPLOADED');

  const again = await upload(c.token, { applicationId: c.applicationId, type: 'BANK_STATEMENT', bytes: pdf });
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.document.id, first.body.document.id);

  const second = await upload(c.token, {
    applicationId: c.applicationId,
    type: 'BANK_STATEMENT',
    bytes: fixtures.pdf(),
  });
  assert.equal(second.body.document.version, 2, 'a new upload of a type is its next version');
  const png = await upload(c.token, {
    applicationId: c.applicationId,
    type: 'PAN_CARD',
    bytes: fixtures.png(),
    contentType: 'image/png',
    fileName: 'pan.png',
  });
  assert.equal(png.status, 201);
  assert.equal(await rows(c.applicationId), 3);

  const q = await platform.gql(
    `query($id: ID!) { application(id: $id) { status documents { type version status } latest: documents(latestOnly: true) { version }
       missingDocuments } }`,
    { id: c.applicationId },
    c.token,
  );
  const app = q.data?.application;
  assert.deepEqual(
    app.documents.map((d: { type: string; version: number }) => `${d.type}:${d.version}`),
    ['BANK_STATEMENT:2', 'BANK_STATEMENT:1', 'PAN_CARD:1'],
  );
  assert.deepEqual(
    app.latest.map((d: { version: number }) => d.version),
    [2, 1],
  );
  assert.deepEqual(app.missingDocuments, ['AADHAAR', 'ITR']);
  const [event] = await platform
    .db('documents')
    .query(`SELECT payload FROM outbox WHERE type = 'document.uploaded' AND subject = $1`, [
      first.body.document.id,
    ]);
  assert.equal(event.payload.data.sha256, first.body.document.sha256);
});

test('one file is one document: the same bytes as another type are refused, and come back as it once deleted', async () => {
  const c = await applicant();
  const pdf = fixtures.pdf();
  const filed = await upload(c.token, { applicationId: c.applicationId, type: 'BANK_STATEMENT', bytes: pdf });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  const retyped = await upload(c.token, { applicationId: c.applicationId, type: 'ITR', bytes: pdf });
  assert.equal(retyped.status, 409, JSON.stringify(retyped.body));
  assert.match(JSON.stringify(retyped.body), /already uploaded as BANK_STATEMENT/);
  const kept = await platform
    .db('documents')
    .query('SELECT type, status FROM documents WHERE application_id = $1', [c.applicationId]);
  assert.deepEqual(kept, [{ type: 'BANK_STATEMENT', status: 'UPLOADED' }], 'nothing changed');

  // Filed under the wrong type: deleted, then uploaded as the right one, it is that type's first version.
  const del = await platform.gql(
    `mutation($id: ID!) { deleteDocument(id: $id) { status } }`,
    { id: filed.body.document.id },
    c.token,
  );
  assert.equal(del.data?.deleteDocument.status, 'DELETED', JSON.stringify(del.errors));
  const right = await upload(c.token, { applicationId: c.applicationId, type: 'ITR', bytes: pdf });
  assert.equal(right.status, 201, JSON.stringify(right.body));
  assert.deepEqual([right.body.document.type, right.body.document.version], ['ITR', 1]);
  assert.equal(right.body.document.id, filed.body.document.id, 'the same file, stored once');
});

test('bad uploads are refused by content and store nothing', async () => {
  const c = await applicant();
  const cases: [string, Parameters<typeof upload>[1], RegExp][] = [
    [
      'text named .pdf',
      { applicationId: c.applicationId, type: 'ITR', bytes: Buffer.from('just text, not a pdf') },
      /only PDF, PNG and JPEG/,
    ],
    [
      'PNG declared as PDF',
      { applicationId: c.applicationId, type: 'ITR', bytes: fixtures.png(), contentType: 'application/pdf' },
      /declared as application\/pdf but its content is image\/png/,
    ],
    ['empty', { applicationId: c.applicationId, type: 'ITR', bytes: Buffer.alloc(0) }, /empty/],
    [
      'over 10 MiB',
      {
        applicationId: c.applicationId,
        type: 'ITR',
        bytes: Buffer.concat([fixtures.pdf(), Buffer.alloc(config().DOCUMENT_MAX_BYTES)]),
      },
      /larger than/,
    ],
    [
      'unknown type',
      { applicationId: c.applicationId, type: 'SELFIE', bytes: fixtures.pdf() },
      /type must be one of/,
    ],
  ];
  for (const [name, input, message] of cases) {
    const r = await upload(c.token, input);
    assert.equal(r.status, 400, name);
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', name);
    assert.match(r.body.errors?.[0]?.message, message, name);
  }
  assert.equal(await rows(c.applicationId), 0);
});

test("ownership: no upload to, listing of, or fetching from another customer's application", async () => {
  const owner = await applicant();
  const other = await registerCustomer(platform.gql, 'Ravi Kumar');
  const up = await upload(owner.token, {
    applicationId: owner.applicationId,
    type: 'ITR',
    bytes: fixtures.pdf(),
  });
  const docId = up.body.document.id;

  const foreign = await upload(other.token, {
    applicationId: owner.applicationId,
    type: 'ITR',
    bytes: fixtures.pdf(),
  });
  assert.equal(foreign.status, 404);
  assert.equal(
    (await upload(undefined, { applicationId: owner.applicationId, type: 'ITR', bytes: fixtures.pdf() }))
      .status,
    401,
  );
  assert.equal(
    firstError(
      await platform.gql(`query($id: ID!) { document(id: $id) { id } }`, { id: docId }, other.token),
    ),
    'NOT_FOUND',
  );
  assert.equal(await rows(owner.applicationId), 1);

  // A customer may not accept their own documents; KYC staff may.
  const VALIDATE = `mutation($id: ID!) { validateDocument(id: $id) { status } }`;
  assert.equal(firstError(await platform.gql(VALIDATE, { id: docId }, owner.token)), 'FORBIDDEN');
  const officer = (await staffUser(platform.gql, 'KYC_OFFICER')).token;
  assert.equal(
    (await platform.gql(VALIDATE, { id: docId }, officer)).data?.validateDocument.status,
    'VALIDATED',
  );
  assert.equal(firstError(await platform.gql(VALIDATE, { id: docId }, officer)), 'ILLEGAL_TRANSITION');
});

test('signed download links work without a token, and only until they expire or if untouched', async () => {
  const c = await applicant();
  const bytes = fixtures.jpeg();
  const up = await upload(c.token, {
    applicationId: c.applicationId,
    type: 'AADHAAR',
    bytes,
    contentType: 'image/jpeg',
    fileName: 'a.jpg',
  });
  const id = up.body.document.id;
  const q = await platform.gql(`query($id: ID!) { document(id: $id) { downloadUrl } }`, { id }, c.token);
  const base = platform.gateway.url.replace(/\/graphql$/, '');
  const url = `${base}${q.data?.document.downloadUrl}`;

  const ok = await fetch(url);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/jpeg');
  assert.ok(Buffer.from(await ok.arrayBuffer()).equals(bytes), 'the same bytes come back');

  const tampered = await fetch(url.replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`));
  assert.equal(tampered.status, 403);
  const past = Math.floor(Date.now() / 1000) - 10;
  const expired = await fetch(
    `${base}/documents/${id}/content?expires=${past}&sig=${signPath(`/documents/${id}/content`, past)}`,
  );
  assert.equal(expired.status, 403);
  assert.match(((await expired.json()) as any).errors[0].message, /expired/);
});

test('a rejected document counts as missing again; the reason is required', async () => {
  const c = await applicant('PERSONAL_LOAN');
  const up = await upload(c.token, {
    applicationId: c.applicationId,
    type: 'SALARY_SLIP',
    bytes: fixtures.pdf(),
  });
  const manager = (await staffUser(platform.gql, 'KYC_MANAGER')).token;
  const REJECT = `mutation($id: ID!, $r: String!) { rejectDocument(id: $id, reason: $r) { status rejectionReason } }`;
  assert.equal(
    firstError(await platform.gql(REJECT, { id: up.body.document.id, r: ' ' }, manager)),
    'BAD_USER_INPUT',
  );
  const r = await platform.gql(REJECT, { id: up.body.document.id, r: 'illegible scan' }, manager);
  assert.deepEqual(r.data?.rejectDocument, { status: 'REJECTED', rejectionReason: 'illegible scan' });
  const q = await platform.gql(
    `query($id: ID!) { application(id: $id) { missingDocuments } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.ok(q.data?.application.missingDocuments.includes('SALARY_SLIP'));
});
