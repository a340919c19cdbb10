import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startGateway } from '../gateway/server';
import { signAccessToken } from '../platform/auth';
import { Role } from '../platform/roles';
import { registerCustomer, submittedApplication } from './helpers/flows';
import { type Desk, passKyc, staffDesk } from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
const clients: Client[] = [];

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
});
after(async () => {
  for (const c of clients) await c.dispose();
  await platform?.stop();
});

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** A graphql-ws client that reports how its socket closed. */
function connect(token: string, url = platform.gateway.url) {
  let closed: { code: number; reason: string } | undefined;
  const client = createClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    on: {
      closed: (e) => {
        const ev = e as { code: number; reason: string };
        closed = { code: ev.code, reason: String(ev.reason) };
      },
    },
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  return { client, closed: () => closed };
}

interface Pushed<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Collects what a subscription pushes; `next` waits for the next one (or fails after `ms`). */
function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: Pushed<T>[] = [];
  let waiting: (() => void) | undefined;
  let error: unknown;
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (v) => {
        received.push(v as Pushed<T>);
        waiting?.();
      },
      error: (e) => {
        error = e;
        waiting?.();
      },
      complete: () => waiting?.(),
    },
  );
  return {
    stop,
    received,
    error: () => error,
    async until(check: (all: Pushed<T>[]) => boolean, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!check(received)) {
        if (error) throw new Error(`subscription failed: ${JSON.stringify(error)}`);
        if (Date.now() > deadline) throw new Error(`nothing pushed in time: ${JSON.stringify(received)}`);
        await new Promise<void>((r) => {
          waiting = r;
          setTimeout(r, 200);
        });
      }
      return received;
    },
  };
}

type StatusChange = {
  applicationStatusChanged: {
    from: string;
    to: string;
    application: {
      status: string;
      customer: { fullName: string };
      kycReview: { status: string } | null;
      documents: { id: string }[];
    };
  };
};
const STATUS = `subscription($id: ID!) { applicationStatusChanged(applicationId: $id) {
    from to
    application { status customer { fullName } kycReview { status } documents { id } } } }`;

test('the owner receives their application’s status changes with fields from several subgraphs; others are refused', async () => {
  const c = await submittedApplication(platform.gql, 'Meera Iyer');
  const mine = subscribe<StatusChange>(connect(c.token).client, STATUS, { id: c.applicationId });
  const stranger = await registerCustomer(platform.gql, 'Someone Else');
  const theirs = subscribe<StatusChange>(connect(stranger.token).client, STATUS, { id: c.applicationId });
  await new Promise((r) => setTimeout(r, 500));

  await passKyc(platform.gql, desk, c.applicationId);
  const pushed = await mine.until((all) =>
    all.some((p) => p.data?.applicationStatusChanged.to === 'RISK_REVIEW'),
  );
  const toRisk = pushed.find((p) => p.data?.applicationStatusChanged.to === 'RISK_REVIEW');
  assert.deepEqual(toRisk?.errors, undefined);
  const change = toRisk?.data?.applicationStatusChanged;
  assert.equal(change?.application.customer.fullName, 'Meera Iyer', 'identity');
  assert.equal(change?.application.kycReview?.status, 'APPROVED', 'kyc');
  assert.ok(Array.isArray(change?.application.documents), 'documents');
  assert.ok(
    ['RISK_REVIEW', 'OFFER'].includes(change?.application.status ?? ''),
    'applications, resolved now',
  );

  await theirs.until(() => theirs.error() !== undefined || theirs.received.length > 0, 5000).catch(() => []);
  const refused = theirs.received[0]?.errors?.[0] ?? (theirs.error() as Pushed<unknown>['errors'])?.[0];
  assert.equal(refused?.extensions?.code, 'NOT_FOUND', 'another customer cannot follow the application');
  assert.ok(!theirs.received.some((p) => p.data), 'and is never sent its events');
});

test('KYC officers follow the queue; a customer may not', async () => {
  const officer = subscribe<{
    kycQueueChanged: { type: string; applicationId: string; application: { status: string } };
  }>(
    connect(desk.kycOfficer.token).client,
    `subscription { kycQueueChanged { type applicationId application { status } } }`,
  );
  await new Promise((r) => setTimeout(r, 500));
  const c = await submittedApplication(platform.gql, 'Queue Newcomer');
  const joined = await officer.until((all) =>
    all.some((p) => p.data?.kycQueueChanged.applicationId === c.applicationId),
  );
  const event = joined.find((p) => p.data?.kycQueueChanged.applicationId === c.applicationId)?.data
    ?.kycQueueChanged;
  assert.equal(event?.type, 'application.submitted');

  const customer = subscribe(connect(c.token).client, `subscription { kycQueueChanged { type } }`);
  await customer
    .until(() => customer.error() !== undefined || customer.received.length > 0, 5000)
    .catch(() => []);
  const refused = customer.received[0]?.errors?.[0] ?? (customer.error() as Pushed<unknown>['errors'])?.[0];
  assert.equal(refused?.extensions?.code, 'FORBIDDEN');
});

test('a missing, forged or expired token closes the socket with 4403; a token that expires ends the connection', async () => {
  for (const token of [
    '',
    'not-a-jwt',
    await signAccessToken({ userId: desk.kycOfficer.id, roles: [Role.KYC_OFFICER] }, -10),
  ]) {
    const { client, closed } = connect(token);
    subscribe(client, `subscription { kycQueueChanged { type } }`);
    // The close itself is awaited: the subscription may fail on it a moment before it is reported.
    await eventually(async () => closed(), 5000);
    assert.equal(closed()?.code, 4403, `token ${token.slice(0, 12)}…`);
  }
  const short = await signAccessToken({ userId: desk.kycOfficer.id, roles: [Role.KYC_OFFICER] }, 2);
  const { client, closed } = connect(short);
  subscribe(client, `subscription { kycQueueChanged { type } }`);
  await eventually(async () => closed(), 6000);
  assert.deepEqual(closed(), { code: 4403, reason: 'token expired' });
});

test('two gateway processes on one Kafka: a subscriber on each receives the same event', async () => {
  const second = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
  });
  try {
    const officerToken = desk.kycOfficer.token;
    const QUEUE = `subscription { kycQueueChanged { type applicationId } }`;
    const one = subscribe<{ kycQueueChanged: { applicationId: string } }>(
      connect(officerToken).client,
      QUEUE,
    );
    const two = subscribe<{ kycQueueChanged: { applicationId: string } }>(
      connect(officerToken, second.url).client,
      QUEUE,
    );
    // The second gateway's consumer group joins from the newest offset; give it a moment.
    await new Promise((r) => setTimeout(r, 3000));
    const c = await submittedApplication(platform.gql, 'Seen Twice');
    const seen = (s: typeof one) =>
      s.until((all) => all.some((p) => p.data?.kycQueueChanged.applicationId === c.applicationId));
    await Promise.all([seen(one), seen(two)]);
  } finally {
    await second.stop();
  }
});

test('after a gateway restart a client catches up from its cursor with since', async () => {
  const subgraphUrls = Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url]));
  type Change = { applicationStatusChanged: { cursor: string; to: string } };
  const QUERY = `subscription($id: ID!, $since: String) {
    applicationStatusChanged(applicationId: $id, since: $since) { cursor to } }`;
  const c = await submittedApplication(platform.gql, 'Back Again');
  const all = subscribe<Change>(connect(c.token).client, QUERY, { id: c.applicationId });

  const first = await startGateway({ port: 0, subgraphUrls });
  let cursor: string | undefined;
  try {
    const early = subscribe<Change>(connect(c.token, first.url).client, QUERY, { id: c.applicationId });
    await new Promise((r) => setTimeout(r, 3000));
    void passKyc(platform.gql, desk, c.applicationId);
    const got = await early.until((p) => p.some((x) => x.data));
    cursor = got.find((x) => x.data)?.data?.applicationStatusChanged.cursor;
  } finally {
    await first.stop();
  }
  assert.ok(cursor);
  // The rest of the flow happens while no gateway holds this client's subscription.
  const seenByAll = await all.until((p) =>
    p.some((x) => x.data?.applicationStatusChanged.to === 'RISK_REVIEW'),
  );
  const cursors = seenByAll.map((x) => x.data?.applicationStatusChanged.cursor);
  const missed = cursors.slice(cursors.indexOf(cursor) + 1);
  assert.ok(cursors.includes(cursor) && missed.length > 0, 'the flow went on after the cursor');

  const restarted = await startGateway({ port: 0, subgraphUrls });
  try {
    const client = connect(c.token, restarted.url).client;
    const back = subscribe<Change>(client, QUERY, { id: c.applicationId, since: cursor });
    const caught = await back.until((p) =>
      missed.every((m) => p.some((x) => x.data?.applicationStatusChanged.cursor === m)),
    );
    assert.ok(
      !caught.some((x) => x.data?.applicationStatusChanged.cursor === cursor),
      'not the cursor itself',
    );

    const stale = Buffer.from(`${Date.now() - 86_400_000}:gone`).toString('base64url');
    for (const [since, code] of [
      [stale, 'CURSOR_EXPIRED'],
      ['not a cursor', 'BAD_USER_INPUT'],
    ]) {
      const s = subscribe(client, QUERY, { id: c.applicationId, since });
      await s.until(() => s.error() !== undefined || s.received.length > 0, 5000).catch(() => []);
      const refused = s.received[0]?.errors?.[0] ?? (s.error() as Pushed<unknown>['errors'])?.[0];
      assert.equal(refused?.extensions?.code, code, String(since));
    }
  } finally {
    await restarted.stop();
  }
});

test('over HTTP the schema shows the Subscription type, and a subscription is pointed to the WebSocket', async () => {
  const r = await platform.gql(
    '{ __schema { subscriptionType { fields { name } } } }',
    {},
    desk.kycOfficer.token,
  );
  const fields = r.data?.__schema.subscriptionType.fields.map((f: { name: string }) => f.name);
  assert.deepEqual(fields?.sort(), [
    'applicationStatusChanged',
    'kycQueueChanged',
    'loanEvents',
    'myNotifications',
  ]);
  const http = await platform.gql('subscription { kycQueueChanged { type } }', {}, desk.kycOfficer.token);
  assert.equal(http.status, 400);
  assert.equal(firstError(http), 'BAD_USER_INPUT');
  assert.match(http.errors?.[0]?.message ?? '', /WebSocket/);
});
