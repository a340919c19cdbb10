import { config } from './config';
import { createBus } from './events';
import { logger } from './log';
import { type RunningSubgraph, runSubgraph, type SubgraphDefinition } from './subgraph';

/** Runs one subgraph as its own process, configured from the environment (PORT picks its port). */
export async function runStandalone(def: SubgraphDefinition): Promise<RunningSubgraph> {
  const log = logger(def.name);
  const bus = createBus(`loanflow-${def.name}`);
  const running = await runSubgraph(def, { bus, port: Number(process.env.PORT ?? 0), host: config().HOST });
  const shutdown = async () => {
    log.info('shutting down');
    await running.stop();
    await bus.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return running;
}
