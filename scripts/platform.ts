import { startGateway } from '../gateway/server';
import { config } from '../platform/config';
import { createBus, type EventBus } from '../platform/events';
import { channelNotifier, useNotifier } from '../platform/notify/http';
import { startMessagingSimulator } from '../platform/notify/simulator';
import { type RunningSubgraph, runSubgraph } from '../platform/subgraph';
import { SUBGRAPHS } from '../subgraphs';
import { bundledDescriptors } from '../subgraphs/lenders/descriptors';
import { LenderPool } from '../subgraphs/lenders/pool';
import { useLenderPool } from '../subgraphs/lenders/service';
import { SIMULATOR_SECRETS, startLenderSimulator } from '../subgraphs/lenders/simulator';
import { startBureauSimulator } from '../subgraphs/risk/bureau/simulator';
import { httpBureau, useBureau } from '../subgraphs/risk/service';
import { seed } from './seed';

/** All subgraphs and the gateway in this process, each subgraph on its own port. */
export async function runPlatform(options: { bus?: EventBus; gatewayPort?: number; basePort?: number } = {}) {
  const c = config();
  // Whatever started is stopped again if a later part fails, so a failed start leaves nothing running
  // (a half-started platform would keep its process alive).
  const started: (() => Promise<void>)[] = [];
  try {
    return await start(options, c, started);
  } catch (err) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

async function start(
  options: { bus?: EventBus; gatewayPort?: number; basePort?: number },
  c: ReturnType<typeof config>,
  started: (() => Promise<void>)[],
) {
  const bus = options.bus ?? createBus();
  started.push(() => bus.close());
  // No bureau configured: run the local simulator, as the tests and the embedded mode do.
  const simulator = c.BUREAU_URL ? undefined : await startBureauSimulator();
  if (simulator) started.push(() => simulator.stop());
  if (simulator) useBureau(httpBureau(simulator.url));
  // Likewise the SMS and push providers and the mail relay.
  const messaging = c.NOTIFY_URL ? undefined : await startMessagingSimulator();
  if (messaging) started.push(() => messaging.stop());
  if (messaging) useNotifier(channelNotifier(messaging.url, messaging.smtpUrl));
  // And the partner lenders, each simulated from its descriptor.
  const lenderSim =
    c.LENDERS_LIVE === 'true'
      ? undefined
      : await startLenderSimulator(bundledDescriptors(), SIMULATOR_SECRETS);
  if (lenderSim) started.push(() => lenderSim.stop());
  if (lenderSim) {
    useLenderPool(
      new LenderPool(bundledDescriptors(), { ...process.env, ...SIMULATOR_SECRETS, ...lenderSim.env }),
    );
  }
  const running: RunningSubgraph[] = [];
  const basePort = options.basePort ?? c.SUBGRAPH_BASE_PORT;
  for (const [i, def] of SUBGRAPHS.entries()) {
    const subgraph = await runSubgraph(def, { bus, port: basePort === 0 ? 0 : basePort + i });
    running.push(subgraph);
    started.push(() => subgraph.stop());
  }
  const identityDb = running.find((r) => r.name === 'identity')?.ds;
  const seeded = identityDb ? await seed(identityDb) : undefined;
  const gateway = await startGateway({
    bus,
    port: options.gatewayPort ?? c.GATEWAY_PORT,
    subgraphUrls: Object.fromEntries(running.map((r) => [r.name, r.url])),
  });
  return {
    bus,
    gateway,
    subgraphs: running,
    // Which store documents go to; each subgraph opens it on first use, so none has to be up to start.
    docstore: c.MONGODB_URL ? 'mongodb' : 'postgres',
    bureauUrl: simulator?.url ?? c.BUREAU_URL,
    notifyUrl: messaging?.url ?? c.NOTIFY_URL,
    /** The simulator's inbox page, for a person (only when the simulator runs). */
    messagesUrl: messaging ? `${messaging.url}/inbox` : undefined,
    lenders: lenderSim,
    seeded,
    async stop() {
      await gateway.stop();
      // Side by side: each waits for its own consumer and pools, and none depends on another's stop.
      await Promise.all(running.map((r) => r.stop()));
      await simulator?.stop();
      await messaging?.stop();
      await lenderSim?.stop();
      useLenderPool(undefined);
      useNotifier(undefined);
      await bus.close();
    },
  };
}
