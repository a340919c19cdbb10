import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { HttpBureau } from './http';
import { BureauUnavailable } from './port';
import { simulatedReport, startBureauSimulator } from './simulator';

let sim: Awaited<ReturnType<typeof startBureauSimulator>>;
before(async () => {
  sim = await startBureauSimulator();
});
after(async () => {
  await sim.stop();
});

const index = (s: string) => createHash('sha256').update(s).digest('hex');
const mode = (m: string, delayMs = 0) =>
  fetch(`${sim.url}/admin/mode`, { method: 'POST', body: JSON.stringify({ mode: m, delayMs }) });
const client = () => new HttpBureau({ baseUrl: sim.url, timeoutMs: 150, attempts: 3, backoffMs: 20 });

test('the simulated bureau is deterministic per customer and within its ranges', async () => {
  await mode('ok');
  const a = await client().report(index('customer-a'));
  assert.deepEqual(a, {
    ...simulatedReport(index('customer-a')),
    existingEmiMinor: BigInt(simulatedReport(index('customer-a')).existingEmiMinor),
  });
  assert.deepEqual(await client().report(index('customer-a')), a);
  for (let i = 0; i < 200; i++) {
    const r = simulatedReport(index(`c${i}`));
    assert.ok(r.score >= 300 && r.score <= 900 && r.activeLoans >= 0 && r.activeLoans <= 3);
  }
});

test('slow but within the timeout: answered', async () => {
  await mode('slow', 50);
  assert.equal(typeof (await client().report(index('b'))).score, 'number');
});

test('never answering: each try times out, then BureauUnavailable', async () => {
  await mode('timeout');
  const started = Date.now();
  await assert.rejects(
    client().report(index('c')),
    (e: Error) => e instanceof BureauUnavailable && /timed out after 150 ms/.test(e.message),
  );
  assert.ok(Date.now() - started >= 3 * 150, 'three tries were made');
  await mode('ok');
});

test('5xx is retried with back-off; a 4xx is not', async () => {
  await mode('fail');
  const calls = async () =>
    ((await (await fetch(`${sim.url}/admin/calls`)).json()) as { calls: number }).calls;
  const before = await calls();
  await assert.rejects(client().report(index('d')), /HTTP 503/);
  assert.equal((await calls()) - before, 3);
  await mode('ok');
  const mid = await calls();
  await assert.rejects(client().report('not-an-index'), /HTTP 400/);
  assert.equal((await calls()) - mid, 1);
});
