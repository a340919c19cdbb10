import type { ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The process's metrics (in the embedded mode one process serves the gateway and every subgraph). */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'loanflow_' });

const requests = new Counter({
  name: 'loanflow_http_requests_total',
  help: 'HTTP requests answered, by service, route, method and status',
  labelNames: ['service', 'route', 'method', 'status'] as const,
  registers: [registry],
});
const duration = new Histogram({
  name: 'loanflow_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by service and route',
  labelNames: ['service', 'route', 'method'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const routeNames = new WeakMap<ServerResponse, string>();

/** Names the route a response answers more precisely than the server's route table (e.g. a REST path). */
export function nameRoute(res: ServerResponse, route: string) {
  routeNames.set(res, route);
}

/** Counts and times one request from now until its response is finished. */
export function measure(service: string, route: string, method: string, res: ServerResponse) {
  const end = duration.startTimer();
  res.once('finish', () => {
    const labels = { service, route: routeNames.get(res) ?? route, method };
    end(labels);
    requests.inc({ ...labels, status: String(res.statusCode) });
  });
}
