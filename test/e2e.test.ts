import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config } from '../platform/config';
import { applicationInput, CREATE, KYC, kycInput, registerCustomer } from './helpers/flows';
import { readTopic } from './helpers/kafka';
import { eventually, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;

before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

const APPLICATION = `query($id: ID!) {
  application(id: $id) {
    id status amount { minor formatted } kycDataReceived
    customer { id fullName pan aadhaar kycStatus }
    timeline { action fromStatus toStatus eventId actorKind }
  }
}`;

async function findOnKafka(eventId: string) {
  const seen = await readTopic(config().KAFKA_TOPIC, (msgs) =>
    msgs.some((m) => JSON.parse(m.value?.toString() ?? '{}').id === eventId),
  );
  const message = seen.find((m) => JSON.parse(m.value?.toString() ?? '{}').id === eventId);
  return { key: message?.key?.toString() ?? '', type: JSON.parse(message?.value?.toString() ?? '{}').type };
}

test('register → login → KYC → apply → submit → one query across identity and applications, via real Kafka', async () => {
  const { gql } = platform;
  const customer = await registerCustomer(gql);
  const login = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`, {
    i: { email: customer.email, password: customer.password },
  });
  const token = login.data?.login.accessToken as string;
  assert.equal(login.data?.login.user.id, customer.id);

  const kyc = await gql(KYC, { input: kycInput() }, token);
  assert.match(kyc.data?.submitKyc.pan, /^XXXXX\d{4}[A-Z]$/);
  assert.match(kyc.data?.submitKyc.aadhaar, /^XXXX-XXXX-\d{4}$/);

  const created = await gql(CREATE, { input: applicationInput() }, token);
  const id = created.data?.createApplication.id as string;
  assert.equal(created.data?.createApplication.status, 'DRAFT');
  const submitted = await gql(`mutation($id: ID!) { submitApplication(id: $id) { status } }`, { id }, token);
  assert.equal(submitted.data?.submitApplication.status, 'SUBMITTED');

  const identityDb = platform.db('identity');
  const [kycEvent] = await identityDb.query(
    `SELECT id FROM outbox WHERE type = 'customer.kyc.submitted' AND subject = $1`,
    [customer.id],
  );
  assert.ok(kycEvent, 'identity recorded customer.kyc.submitted in its outbox');

  const app = await eventually(async () => {
    const r = await gql(APPLICATION, { id }, token);
    const a = r.data?.application;
    return a?.timeline.some((t: { action: string }) => t.action === 'KYC_DATA_RECEIVED') ? a : undefined;
  });
  assert.equal(app.status, 'SUBMITTED');
  assert.equal(app.kycDataReceived, true);
  assert.equal(app.amount.minor, '50000000');
  assert.equal(app.customer.id, customer.id);
  assert.equal(app.customer.fullName, 'Asha Rao');
  assert.equal(app.customer.kycStatus, 'SUBMITTED');
  assert.deepEqual(app.timeline.map((t: { action: string }) => t.action).sort(), [
    'CREATED',
    'KYC_DATA_RECEIVED',
    'SUBMIT',
  ]);
  const milestone = app.timeline.find((t: { action: string }) => t.action === 'KYC_DATA_RECEIVED');
  assert.equal(milestone.eventId, kycEvent.id, 'the timeline names the event identity published');

  // The event crossed a real broker, and the applications consumer recorded it in its inbox.
  const onKafka = await findOnKafka(kycEvent.id);
  assert.equal(onKafka.type, 'customer.kyc.submitted');
  assert.equal(onKafka.key, customer.id);
  const applicationsDb = platform.db('applications');
  const inbox = await applicationsDb.query('SELECT consumer FROM inbox WHERE event_id = $1', [kycEvent.id]);
  assert.deepEqual(inbox, [{ consumer: 'applications' }]);
  const [sent] = await identityDb.query('SELECT sent_at FROM outbox WHERE id = $1', [kycEvent.id]);
  assert.ok(sent.sent_at, 'the relay marked the row sent after the broker acknowledged it');
});

for (const kind of ['mongodb', 'postgres'] as const) {
  test(`the ${kind} document store adapter round-trips through the real server`, async () => {
    const { MongoDocumentStore, PostgresDocumentStore } = await import('../platform/docstore');
    const { databaseUrl } = await import('../platform/db');
    const store =
      kind === 'mongodb'
        ? await MongoDocumentStore.connect(config().MONGODB_URL as string, config().MONGODB_DB)
        : await PostgresDocumentStore.connect(databaseUrl());
    const notes = `notes-${Date.now().toString(36)}`;
    try {
      await store.insert(notes, { _id: 'n1', owner: 'u1', text: 'hello', n: 1 });
      await store.insert(notes, { _id: 'n2', owner: 'u2', text: 'other', n: 2 });
      assert.deepEqual(await store.get(notes, 'n1'), { _id: 'n1', owner: 'u1', text: 'hello', n: 1 });
      assert.deepEqual(
        (await store.find(notes, { owner: 'u2' })).map((d) => d._id),
        ['n2'],
      );
      assert.equal(await store.insertIfAbsent(notes, { _id: 'n1', owner: 'u9', text: 'again', n: 9 }), false);
      assert.equal((await store.get<{ _id: string; text: string }>(notes, 'n1'))?.text, 'hello');
      for (const id of ['a3', 'a1', 'a2', 'B0']) {
        assert.equal(await store.insertIfAbsent(notes, { _id: id, owner: 'u3', text: id, n: 0 }), true);
      }
      assert.equal(await store.count(notes, { owner: 'u3' }), 4);
      // Keyset paging newest first, in byte order ('B' < 'a') on both adapters.
      const page1 = await store.find(notes, { owner: 'u3' }, { newestFirst: true, limit: 2 });
      assert.deepEqual(
        page1.map((d) => d._id),
        ['a3', 'a2'],
      );
      const page2 = await store.find(notes, { owner: 'u3' }, { newestFirst: true, limit: 2, before: 'a2' });
      assert.deepEqual(
        page2.map((d) => d._id),
        ['a1', 'B0'],
      );
      assert.equal(await store.update(notes, 'n1', { text: 'changed' }), true);
      assert.equal((await store.get<{ _id: string; text: string }>(notes, 'n1'))?.text, 'changed');
      assert.equal(await store.delete(notes, 'n2'), true);
      assert.equal(await store.get(notes, 'n2'), null);

      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(600_000, 7)]);
      const fileId = await store.putFile('documents', 'statement.pdf', bytes, { owner: 'u1' });
      const file = await store.getFile('documents', fileId);
      assert.equal(file?.filename, 'statement.pdf');
      assert.equal(file?.length, bytes.length);
      assert.deepEqual(file?.metadata, { owner: 'u1' });
      assert.ok(file?.content.equals(bytes), 'the same bytes come back (GridFS: across several chunks)');
      assert.equal(await store.getFile('documents', '000000000000000000000000'), null);
    } finally {
      await store.close();
    }
  });
}
