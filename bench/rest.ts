// npm run bench:rest — needs `npm run stack:up`. Reading one application through the partner REST shim
// (with a Bearer token, and with a partner API key) against the same read as a GraphQL request, in one
// run on one machine: what the REST layer (routing, validation, rate-limit count, key lookup) costs.
import '../test/helpers/env';
import { ROUTES } from '../gateway/rest/routes';
import { staffUser, submittedApplication } from '../test/helpers/flows';
import { startTestPlatform } from '../test/helpers/platform';
import { load, type Stats } from './load';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function main() {
  const platform = await startTestPlatform();
  try {
    const c = await submittedApplication(platform.gql);
    const admin = await staffUser(platform.gql, 'ADMIN');
    const partner = await staffUser(platform.gql, ['PARTNER', 'KYC_OFFICER']);
    const issued = await platform.gql(
      'mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }',
      { i: { userId: partner.id, name: 'bench', roles: ['KYC_OFFICER'] } },
      admin.token,
    );
    const key = issued.data?.createApiKey.key as string;
    const staff = await staffUser(platform.gql, 'KYC_OFFICER');
    // The very operation the REST route runs, so the two sides fetch the same fields.
    const route = ROUTES.find((r) => r.method === 'GET' && r.path === '/applications/{id}');
    if (!route || !('operation' in route)) throw new Error('no GET /applications/{id} route');
    const api = platform.gateway.url.replace(/\/graphql$/, '/api/v1');
    const graphql = () =>
      fetch(platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${staff.token}` },
        body: JSON.stringify({ query: route.operation, variables: { id: c.applicationId } }),
      });
    const rest = (headers: Record<string, string>) => () =>
      fetch(`${api}/applications/${c.applicationId}`, { headers });
    const restToken = rest({ authorization: `Bearer ${staff.token}` });
    const restKey = rest({ 'x-api-key': key });
    for (const f of [graphql, restToken, restKey]) {
      const r = await f();
      if (r.status !== 200) throw new Error(`warm-up answered ${r.status}: ${await r.text()}`);
      await load(f, 200, CONCURRENCY);
    }
    const g = await load(graphql, REQUESTS, CONCURRENCY);
    const t = await load(restToken, REQUESTS, CONCURRENCY);
    const k = await load(restKey, REQUESTS, CONCURRENCY);
    const row = (name: string, s: Stats) =>
      `${name.padEnd(40)} ${s.rps.toFixed(0).padStart(8)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)}`;
    console.log(`\n${REQUESTS} requests each, ${CONCURRENCY} concurrent, client and servers on this machine`);
    console.log(
      `${''.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row('POST /graphql (baseline)', g));
    console.log(row('GET /api/v1/applications/{id} (Bearer)', t));
    console.log(row('GET /api/v1/applications/{id} (API key)', k));
    console.log(`\nREST (Bearer) throughput / GraphQL throughput = ${(t.rps / g.rps).toFixed(2)}`);
    console.log(`REST (API key) throughput / GraphQL throughput = ${(k.rps / g.rps).toFixed(2)}`);
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
