import type { Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { close, escapeHtml, httpServer, listen, type Route, readBody, sendJson, sendPage } from '../http';

type Mode = 'ok' | 'fail' | 'slow' | 'reject';
interface Sent {
  channel: 'sms' | 'push' | 'email';
  to: string;
  subject?: string;
  text: string;
  at: string;
}

/**
 * Local SMS and push providers (webhooks) and an SMTP server for e-mail, for tests and the embedded mode:
 * they keep what they were sent (so a test can read an OTP the way a phone would, or a reminder the way a
 * mailbox would) and can misbehave (`POST /admin/mode`: fail = away for now, HTTP 503 / SMTP 451; reject =
 * refused for good, HTTP 400 / SMTP 550; slow = a delay).
 */
export async function startMessagingSimulator(port = 0, host = '127.0.0.1', smtpPort = 0) {
  let mode: Mode = 'ok';
  let delayMs = 0;
  const sent: Sent[] = [];
  const misbehave = async () => {
    if (mode === 'slow') await new Promise((r) => setTimeout(r, delayMs));
    return mode === 'fail' || mode === 'reject';
  };
  const accept =
    (channel: 'sms' | 'push'): Route =>
    async (req, res) => {
      const body = JSON.parse((await readBody(req)) || '{}') as { to?: string; text?: string };
      if (!body.to || !body.text) return sendJson(res, 400, { error: 'to and text are required' });
      if (await misbehave()) {
        return mode === 'reject'
          ? sendJson(res, 400, { error: 'recipient refused' })
          : sendJson(res, 503, { error: 'provider down' });
      }
      sent.push({ channel, to: body.to, text: body.text, at: new Date().toISOString() });
      sendJson(res, 202, { accepted: true });
    };
  const server: Server = httpServer({
    '/v1/sms': accept('sms'),
    '/v1/push': accept('push'),
    '/admin/messages': (req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      sendJson(res, 200, { messages: sent.filter((m) => !to || m.to === to) });
    },
    // The same messages for a person: newest first, so a sign-up link or an e-sign code is at the top.
    '/inbox': (req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      sendPage(res, inboxPage(sent.filter((m) => !to || m.to === to)));
    },
    '/admin/mode': async (req, res) => {
      const body = JSON.parse((await readBody(req)) || '{}') as { mode?: Mode; delayMs?: number };
      mode = body.mode ?? 'ok';
      delayMs = body.delayMs ?? 0;
      sendJson(res, 200, { mode, delayMs });
    },
  });
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (await misbehave()) {
            return mode === 'reject'
              ? callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }))
              : callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          }
          for (const rcpt of session.envelope.rcptTo) {
            sent.push({
              channel: 'email',
              to: rcpt.address,
              subject: mail.subject,
              text: mail.text ?? '',
              at: new Date().toISOString(),
            });
          }
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  const actual = await listen(server, port, host);
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(smtpPort, host, () => resolve());
  });
  const smtpActual = (smtp.server.address() as { port: number }).port;
  return {
    url: `http://${host}:${actual}`,
    smtpUrl: `smtp://${host}:${smtpActual}`,
    async stop() {
      await close(server);
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

function inboxPage(messages: Sent[]) {
  const rows = [...messages]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.at.replace('T', ' ').slice(0, 19))}</td><td>${m.channel}</td><td>${escapeHtml(m.to)}</td>` +
        `<td>${m.subject ? `<b>${escapeHtml(m.subject)}</b><br>` : ''}<pre>${escapeHtml(m.text)}</pre></td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LoanFlow messages</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0}</style>
</head><body><h1>Messages sent (simulator)</h1><p>E-mail, SMS and push the platform sent, newest first.
Reload to see new ones; <code>?to=</code> an address or number shows one person's.</p>
<table><tr><th>at (UTC)</th><th>channel</th><th>to</th><th>message</th></tr>${rows || '<tr><td colspan="4">nothing yet</td></tr>'}</table></body></html>`;
}
