// The outside systems' simulators as one process, for a demo where the services run apart (docker compose
// --profile demo): the credit bureau, the SMS/push/e-mail providers (with the inbox page) and the partner
// lenders on API key, OAuth 2 and session handshakes. Never for production: they approve what they are told.
import { startMessagingSimulator } from '../platform/notify/simulator';
import { bundledDescriptors } from '../subgraphs/lenders/descriptors';
import { SIMULATOR_SECRETS, startLenderSimulator } from '../subgraphs/lenders/simulator';
import { startBureauSimulator } from '../subgraphs/risk/bureau/simulator';

/** The ports docker-compose.yml points the services at. */
export const SIMULATOR_PORTS = { bureau: 4100, messaging: 4200, smtp: 2525, lenders: 4300 };

async function main() {
  const host = process.env.HOST ?? '127.0.0.1';
  const p = SIMULATOR_PORTS;
  const bureau = await startBureauSimulator(p.bureau, host);
  const messaging = await startMessagingSimulator(p.messaging, host, p.smtp);
  // Mutual-TLS lenders (DELTA) need certificates made at start; they are left to the live set-up.
  const lenders = await startLenderSimulator(
    bundledDescriptors().filter((d) => d.auth.scheme !== 'mtls'),
    SIMULATOR_SECRETS,
    p.lenders,
    host,
  );
  console.log(`bureau ${bureau.url}, messages ${messaging.url}/inbox, lenders ${lenders.url}`);
  const stop = async () => {
    await Promise.all([bureau.stop(), messaging.stop(), lenders.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
