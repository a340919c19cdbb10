import type { Server } from 'node:http';
import { close, httpServer, listen, readBody, sendJson } from '../../../platform/http';

export type BureauMode = 'ok' | 'slow' | 'fail' | 'timeout';

/** A deterministic report from the keyed PAN index: the same customer always gets the same answer. */
export function simulatedReport(panIndex: string) {
  const n = (from: number, len: number) => Number.parseInt(panIndex.slice(from, from + len), 16) || 0;
  const score = 300 + (n(0, 8) % 601);
  return {
    score,
    activeLoans: n(8, 2) % 4,
    existingEmiMinor: String((n(10, 6) % 40_000) * 100),
    defaults: score < 450 ? 1 : 0,
  };
}

/**
 * The local bureau for tests and the embedded mode. `POST /admin/mode` makes it misbehave: slow
 * (answers after `delayMs`), fail (HTTP 503), timeout (never answers).
 */
export async function startBureauSimulator(port = 0, host = '127.0.0.1') {
  let mode: BureauMode = 'ok';
  let delayMs = 0;
  let calls = 0;
  const hanging = new Set<() => void>();
  const server: Server = httpServer({
    '/v1/reports': async (req, res) => {
      calls++;
      const { panIndex } = JSON.parse((await readBody(req)) || '{}') as { panIndex?: string };
      if (!panIndex || !/^[0-9a-f]{64}$/.test(panIndex))
        return sendJson(res, 400, { error: 'panIndex required' });
      if (mode === 'fail') return sendJson(res, 503, { error: 'bureau down' });
      if (mode === 'timeout') {
        await new Promise<void>((resolve) => hanging.add(resolve));
        return void res.end();
      }
      if (mode === 'slow') await new Promise((r) => setTimeout(r, delayMs));
      sendJson(res, 200, simulatedReport(panIndex));
    },
    '/admin/mode': async (req, res) => {
      const body = JSON.parse((await readBody(req)) || '{}') as { mode?: BureauMode; delayMs?: number };
      mode = body.mode ?? 'ok';
      delayMs = body.delayMs ?? 0;
      for (const release of hanging) release();
      hanging.clear();
      sendJson(res, 200, { mode, delayMs });
    },
    '/admin/calls': (_req, res) => sendJson(res, 200, { calls }),
  });
  const actual = await listen(server, port, host);
  return {
    url: `http://${host}:${actual}`,
    async stop() {
      for (const release of hanging) release();
      await close(server);
    },
  };
}
