// npm run bench:subscriptions — needs `npm run stack:up`. BENCH_CLIENTS (default 5,000) WebSocket clients,
// in a child process, follow the KYC queue through one gateway; applications are submitted through the API
// and each client notes how long after the event's commit it got the push. The baseline, in the same
// run, is one lone subscriber. Memory per connection is the gateway process's growth with N clients.
import '../test/helpers/env';
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { staffUser, submittedApplication } from '../test/helpers/flows';
import { startTestPlatform } from '../test/helpers/platform';
import { percentiles } from './load';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 5000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Report {
  connected: number;
  failures: number;
  received: Record<string, number[]>;
}

function ask(child: ChildProcess): Promise<Report> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Report));
    child.send('report');
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function memory() {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

async function main() {
  if (!global.gc) throw new Error('run with node --expose-gc (npm run bench:subscriptions does)');
  const platform = await startTestPlatform();
  let n = 0;
  const submit = async () =>
    (await submittedApplication(platform.gql, `Bench Applicant ${++n}`)).applicationId;
  try {
    const officer = await staffUser(platform.gql, 'KYC_OFFICER');
    await submit(); // first application: warms every subgraph's pools and plans

    const round = async (clients: number, events: number) => {
      const child = fork(
        join(__dirname, 'subscription-clients.ts'),
        [platform.gateway.url.replace(/^http/, 'ws'), officer.token, String(clients)],
        {
          execArgv: ['--import', 'tsx'],
        },
      );
      try {
        await until(`${clients} connections`, async () => {
          const r = await ask(child);
          if (r.failures) throw new Error(`${r.failures} clients failed`);
          return r.connected === clients ? r : undefined;
        });
        // Every subscription is live once one event has reached every client.
        await until('every client subscribed', async () => {
          const id = await submit();
          await sleep(1000);
          const r = await ask(child);
          return (r.received[id]?.length ?? 0) === clients ? r : undefined;
        });
        const subscribed = memory();
        const ids: string[] = [];
        // One event at a time: each is measured on its own, not queued behind the previous fan-out.
        for (let i = 0; i < events; i++) {
          ids.push(await submit());
          await sleep(clients > 1 ? 1500 : 250);
        }
        const r = await until('every event at every client', async () => {
          const r = await ask(child);
          return ids.every((id) => (r.received[id]?.length ?? 0) >= clients) ? r : undefined;
        });
        const all = ids.flatMap((id) => r.received[id] ?? []);
        const last = ids.map((id) => Math.max(...(r.received[id] ?? [])));
        return { all: percentiles(all), last: percentiles(last), subscribed };
      } finally {
        child.send('stop');
        await new Promise((r) => child.once('exit', r));
      }
    };

    const lone = await round(1, Math.min(EVENTS, 10));
    await sleep(2000);
    const idle = memory();
    const many = await round(CLIENTS, EVENTS);
    const ms = (v: number) => v.toFixed(0).padStart(8);
    const row = (name: string, s: ReturnType<typeof percentiles>) =>
      `${name.padEnd(46)} ${ms(s.p50)} ${ms(s.p95)} ${ms(s.p99)} ${ms(s.max)}`;
    console.log(`\nevent commit → push at the client, ${EVENTS} events, clients and servers on this machine`);
    console.log(
      `${''.padEnd(46)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
    );
    console.log(row('1 subscriber (baseline)', lone.all));
    console.log(row(`${CLIENTS} subscribers, every delivery`, many.all));
    console.log(row(`${CLIENTS} subscribers, the last client per event`, many.last));
    console.log(
      `\np99 at the last of ${CLIENTS} clients / p99 of one subscriber = ${(many.last.p99 / Math.max(1, lone.all.p99)).toFixed(1)}`,
    );
    const kib = (b: number) => (b / 1024).toFixed(1);
    console.log(
      `gateway memory per connection: ${kib((many.subscribed.rss - idle.rss) / CLIENTS)} KiB RSS, ${kib((many.subscribed.heap - idle.heap) / CLIENTS)} KiB heap (${CLIENTS} connections, each with one subscription)`,
    );
  } finally {
    await platform.stop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
