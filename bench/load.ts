// Closed-loop load for the benchmarks: a fixed number of requests from a fixed number of clients.
export interface Stats {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Sends `total` requests, `concurrency` at a time; every answer must be a 2xx without GraphQL errors. */
export async function load(
  send: (i: number) => Promise<Response>,
  total: number,
  concurrency: number,
): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const res = await send(i);
        const body = (await res.json()) as { errors?: unknown };
        if (!res.ok || body.errors)
          throw new Error(`request failed: ${res.status} ${JSON.stringify(body.errors)}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rps: latencies.length / seconds, ...percentiles(latencies) };
}

/** p50, p95, p99 and the maximum of some measurements (sorted in place). */
export function percentiles(values: number[]) {
  values.sort((a, b) => a - b);
  const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: values[values.length - 1] ?? 0 };
}
