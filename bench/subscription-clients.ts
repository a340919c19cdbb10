// Child process of bench/subscriptions.ts: N graphql-ws clients, kept out of the gateway's process so its
// memory and CPU are measured without them. Each client follows the KYC queue and notes, per event, how
// long after the event's commit it arrived.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url = '', token = '', count = '1'] = process.argv.slice(2);
const QUERY = 'subscription { kycQueueChanged { applicationId at } }';
const received = new Map<string, number[]>();
const clients: Client[] = [];
let connected = 0;
let failures = 0;

async function connectAll(n: number) {
  for (let i = 0; i < n; i++) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => connected++ },
      onNonLazyError: () => failures++,
    });
    clients.push(client);
    client.subscribe<{ kycQueueChanged: { applicationId: string; at: string } }>(
      { query: QUERY },
      {
        next: ({ data }) => {
          const e = data?.kycQueueChanged;
          if (!e) return;
          const list = received.get(e.applicationId) ?? [];
          list.push(Date.now() - Date.parse(e.at));
          received.set(e.applicationId, list);
        },
        error: () => failures++,
        complete: () => undefined,
      },
    );
    // Connect in waves so the handshakes do not all land in one tick.
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
  }
}

process.on('message', async (m: string) => {
  if (m === 'report') {
    process.send?.({ connected, failures, received: Object.fromEntries(received) });
  } else if (m === 'stop') {
    await Promise.all(clients.map((c) => c.dispose()));
    process.exit(0);
  }
});
void connectAll(Number(count));
