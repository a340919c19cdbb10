// npm run bench:payments — needs `npm run stack:up`. Payment recording through the gateway (each request
// a new payment with its own Idempotency-Key), and replays of one key, against reading the same loan
// through the gateway, in one run on one machine.
import '../test/helpers/env';
import { staffUser } from '../test/helpers/flows';
import { activeLoan, staffDesk } from '../test/helpers/lifecycle';
import { startTestPlatform } from '../test/helpers/platform';
import { load, type Stats } from './load';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RECORD = `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id status } }`;
const READ = `query($id: ID!) { loan(id: $id) { accountNumber status } }`;

async function main() {
  const platform = await startTestPlatform();
  try {
    const desk = await staffDesk(platform.gql);
    const approvers = {
      internal: await staffUser(platform.gql, 'INTERNAL_APPROVER'),
      manager: await staffUser(platform.gql, 'MANAGER'),
    };
    const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '');
    const post = (query: string, variables: Record<string, unknown>) =>
      fetch(platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ query, variables }),
      });
    const input = { loanId: c.loanId, amount: '1000', method: 'UPI' };
    // payments learns of the loan by its event.
    for (let i = 0; i < 100; i++) {
      const r = (await (await post(RECORD, { i: input, k: 'bench-warm-0' })).json()) as { errors?: unknown };
      if (!r.errors) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const run = Date.now().toString(36);
    const read = () => post(READ, { id: c.loanId });
    const record = (i: number) => post(RECORD, { i: input, k: `bench-${run}-${i}` });
    const replay = () => post(RECORD, { i: input, k: 'bench-warm-0' });
    await load(read, 200, CONCURRENCY);
    await load((i) => post(RECORD, { i: input, k: `warm-${run}-${i}` }), 200, CONCURRENCY);
    const r = await load(read, REQUESTS, CONCURRENCY);
    const w = await load(record, REQUESTS, CONCURRENCY);
    const p = await load(replay, REQUESTS, CONCURRENCY);
    const row = (name: string, s: Stats) =>
      `${name.padEnd(38)} ${s.rps.toFixed(0).padStart(8)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)}`;
    console.log(`\n${REQUESTS} requests each, ${CONCURRENCY} concurrent, client and servers on this machine`);
    console.log(
      `${''.padEnd(38)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row('read the loan (baseline)', r));
    console.log(row('record a payment (new key each)', w));
    console.log(row('replay one Idempotency-Key', p));
    console.log(`\nrecording throughput / read throughput = ${(w.rps / r.rps).toFixed(2)}`);
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
