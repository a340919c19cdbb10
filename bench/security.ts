// npm run bench:security — needs `npm run stack:up`. Gateway CPU per anonymous request, read from the
// gateway process's own /proc counters (subgraphs run in another process): the worst documents a caller
// who is not signed in can send, refused or accepted, against `{ __typename }` measured in the same run.
// Target (issue 14): the worst accepted anonymous request costs under 50 ms of gateway CPU.
import '../test/helpers/env';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startTestPlatform } from '../test/helpers/platform';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 40);
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** utime + stime of a process, in ms. */
function cpuMs(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Nested fragments, each spreading the one before `fanOut` times. */
function fragments(levels: number, fanOut: number) {
  const defs = ['fragment F0 on Query { __typename }'];
  for (let i = 1; i < levels; i++) {
    defs.push(
      `fragment F${i} on Query { ${Array.from({ length: fanOut }, () => `...F${i - 1}`).join(' ')} }`,
    );
  }
  return `query { ...F${levels - 1} }\n${defs.join('\n')}`;
}

const CASES: [string, 'accepted' | 'refused', string][] = [
  ['baseline: { __typename }', 'accepted', '{ __typename }'],
  // 2^4 = 16 root selections from 5 fragments: within every limit, so it is parsed, validated and planned.
  ['fragments expanding to 16 root fields', 'accepted', fragments(5, 2)],
  [
    'wrong password (one login)',
    'accepted',
    'mutation { login(input: { email: "x@example.com", password: "wrong-password" }) { accessToken } }',
  ],
  [
    '20 aliased root fields',
    'accepted',
    `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
  ],
  ['9,000 characters of comment, one field', 'accepted', `# ${'x'.repeat(9000)}\n{ __typename }`],
  ['fragment bomb (10 levels × 10)', 'refused', fragments(10, 10)],
  [
    '1,000 aliased logins',
    'refused',
    `mutation { ${Array.from({ length: 1000 }, (_, i) => `a${i}: login(input: { email: "x${i}@example.com", password: "p${i}" }) { accessToken } }`).join(' ')} }`,
  ],
  ['1 MiB of whitespace and one field', 'refused', `{ ${' '.repeat(1024 * 1024 - 64)} __typename }`],
  ['600 tokens of fields', 'refused', `{ ${Array.from({ length: 600 }, () => '__typename').join(' ')} }`],
];

async function main() {
  const platform = await startTestPlatform();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'info',
    ...Object.fromEntries(platform.subgraphs.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, s.url])),
  };
  const gateway = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'gateway', 'index.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  gateway.stdout?.on('data', (d) => {
    out += d;
  });
  try {
    const url = await eventually(async () => /"url":"(http:[^"]+)"/.exec(out)?.[1], 60_000);
    const pid = gateway.pid as number;
    const send = (query: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
    const rows: { name: string; kind: string; status: number; ms: number }[] = [];
    // Every request a new document (a comment that differs), as an attacker would send: Apollo caches a
    // parsed document and a query plan by the text, so repeating one would measure only the cache.
    let n = 0;
    const variant = (query: string) => `${query}\n# ${n++}`;
    for (const [name, kind, query] of CASES) {
      for (let i = 0; i < 5; i++) await (await send(variant(query))).arrayBuffer();
      const start = cpuMs(pid);
      let status = 0;
      for (let i = 0; i < REPEAT; i++) {
        const r = await send(variant(query));
        status = r.status;
        await r.arrayBuffer();
      }
      rows.push({ name, kind, status, ms: (cpuMs(pid) - start) / REPEAT });
    }
    const base = rows[0]?.ms || 1;
    console.log(
      `\ngateway CPU per anonymous request (mean of ${REPEAT} distinct documents each, after 5 to warm up)`,
    );
    console.log(
      `${'document'.padEnd(40)} ${'answer'.padStart(8)} ${'status'.padStart(6)} ${'CPU ms'.padStart(8)} ${'× base'.padStart(7)}`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(40)} ${r.kind.padStart(8)} ${String(r.status).padStart(6)} ${r.ms.toFixed(2).padStart(8)} ${(r.ms / base).toFixed(1).padStart(7)}`,
      );
    }
    const worst = Math.max(...rows.filter((r) => r.kind === 'accepted').map((r) => r.ms));
    console.log(
      `\nworst accepted anonymous request: ${worst.toFixed(2)} ms of gateway CPU (target < 50 ms: ${worst < 50 ? 'met' : 'NOT met'})`,
    );
  } finally {
    const exited = new Promise((r) => gateway.once('exit', r));
    gateway.kill('SIGTERM');
    await exited;
    await platform.stop();
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
