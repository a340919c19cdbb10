// npm run bench:gateway — needs `npm run stack:up`. Requests/s and p50/p95/p99 of the two-subgraph
// query through the gateway, against the applications subgraph asked directly for what it owns, in
// one run on one machine; prints the ratio. Target: gateway p95 under 3× the direct p95.
import '../test/helpers/env';
import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS, signGatewayAssertion } from '../platform/auth';
import { Role } from '../platform/roles';
import { applicationInput, CREATE, KYC, kycInput, registerCustomer } from '../test/helpers/flows';
import { startTestPlatform } from '../test/helpers/platform';
import { load, type Stats } from './load';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 300;

const THROUGH_GATEWAY = `query($id: ID!) {
  application(id: $id) { id status amount { formatted } customer { fullName kycStatus pan } }
}`;
const DIRECT = `query($id: ID!) {
  application(id: $id) { id status amount { formatted } customer { id } }
}`;

async function main() {
  const platform = await startTestPlatform();
  try {
    const c = await registerCustomer(platform.gql);
    await platform.gql(KYC, { input: kycInput() }, c.token);
    const id = (await platform.gql(CREATE, { input: applicationInput() }, c.token)).data?.createApplication
      .id;
    const applications = platform.subgraphs.find((s) => s.name === 'applications');
    if (!applications || !id) throw new Error('setup failed');

    const viaGateway = () =>
      fetch(platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ query: THROUGH_GATEWAY, variables: { id } }),
      });
    // Signed per request, as the gateway does, so the subgraph's check of it is measured on both sides.
    const direct = async () =>
      fetch(applications.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADERS.assertion]: await signGatewayAssertion(
            { caller: { userId: c.id, roles: [Role.CUSTOMER] }, requestId: randomUUID() },
            'applications',
          ),
        },
        body: JSON.stringify({ query: DIRECT, variables: { id } }),
      });

    await load(direct, WARMUP, CONCURRENCY);
    await load(viaGateway, WARMUP, CONCURRENCY);
    const d = await load(direct, REQUESTS, CONCURRENCY);
    const g = await load(viaGateway, REQUESTS, CONCURRENCY);

    const row = (name: string, s: Stats) =>
      `${name.padEnd(34)} ${s.rps.toFixed(0).padStart(8)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)}`;
    console.log(`\n${REQUESTS} requests, ${CONCURRENCY} concurrent, client and servers on this machine`);
    console.log(
      `${'query'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row('direct to applications subgraph', d));
    console.log(row('gateway (applications + identity)', g));
    const ratio = g.p95 / d.p95;
    console.log(
      `\ngateway p95 / direct p95 = ${ratio.toFixed(2)}× (target < 3×: ${ratio < 3 ? 'met' : 'NOT met'})`,
    );
    console.log(`gateway req/s / direct req/s = ${(g.rps / d.rps).toFixed(2)}`);
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
