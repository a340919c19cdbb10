import type { Server } from 'node:http';
import { close, httpServer, listen, type Route, readBody, sendJson } from '../http';

type Mode = 'ok' | 'fail' | 'slow';

/**
 * Local SMS and e-mail providers for tests and the embedded mode: they keep what they were sent (so a test
 * can read an OTP the way a phone would) and can misbehave (`POST /admin/mode`: fail = HTTP 503, slow).
 */
export async function startMessagingSimulator(port = 0, host = '127.0.0.1') {
  let mode: Mode = 'ok';
  let delayMs = 0;
  const sent: { channel: string; to: string; subject?: string; text: string; at: string }[] = [];
  const accept =
    (channel: 'sms' | 'email'): Route =>
    async (req, res) => {
      const body = JSON.parse((await readBody(req)) || '{}') as {
        to?: string;
        subject?: string;
        text?: string;
      };
      if (!body.to || !body.text) return sendJson(res, 400, { error: 'to and text are required' });
      if (mode === 'fail') return sendJson(res, 503, { error: 'provider down' });
      if (mode === 'slow') await new Promise((r) => setTimeout(r, delayMs));
      sent.push({
        channel,
        to: body.to,
        subject: body.subject,
        text: body.text,
        at: new Date().toISOString(),
      });
      sendJson(res, 202, { accepted: true });
    };
  const server: Server = httpServer({
    '/v1/sms': accept('sms'),
    '/v1/email': accept('email'),
    '/admin/messages': (req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      sendJson(res, 200, { messages: sent.filter((m) => !to || m.to === to) });
    },
    '/admin/mode': async (req, res) => {
      const body = JSON.parse((await readBody(req)) || '{}') as { mode?: Mode; delayMs?: number };
      mode = body.mode ?? 'ok';
      delayMs = body.delayMs ?? 0;
      sendJson(res, 200, { mode, delayMs });
    },
  });
  const actual = await listen(server, port, host);
  return { url: `http://${host}:${actual}`, stop: () => close(server) };
}
