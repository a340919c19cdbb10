// docker-compose.yml cannot be run here (no Docker engine), so it is checked: against the Compose
// Specification's JSON Schema (test/fixtures/compose-spec.json, from github.com/compose-spec/compose-go
// v2.16.2, Apache-2.0), for every subgraph rover.yaml composes, for healthchecks behind every dependency,
// and for a documented .env.example that is a configuration the platform accepts in production.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { loadConfig } from '../platform/config';

const ROOT = join(__dirname, '..');
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const compose = parse(text('docker-compose.yml'), { merge: true }) as {
  services: Record<
    string,
    {
      command?: string[];
      environment?: Record<string, string>;
      healthcheck?: unknown;
      depends_on?: Record<string, { condition: string }>;
      profiles?: string[];
    }
  >;
};
const rover = parse(text('rover.yaml')) as { subgraphs: Record<string, unknown> };
const example = Object.fromEntries(
  text('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_0-9]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

test('docker-compose.yml is a valid Compose file', () => {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const validate = ajv.compile(JSON.parse(text('test/fixtures/compose-spec.json')));
  // The schema reads the file as written (anchors merged), as `docker compose config` does.
  const raw = parse(text('docker-compose.yml'), { merge: true });
  assert.ok(validate(raw), JSON.stringify(validate.errors, null, 2));
});

test('every subgraph rover.yaml composes runs as a service, and the gateway is pointed at each', () => {
  const gateway = compose.services.gateway;
  assert.ok(gateway);
  for (const name of Object.keys(rover.subgraphs)) {
    const service = compose.services[name];
    assert.ok(service, `a ${name} service`);
    assert.deepEqual(service.command?.slice(-1), [`subgraphs/${name}/index.ts`]);
    assert.equal(gateway.environment?.[`SUBGRAPH_URL_${name.toUpperCase()}`], `http://${name}:4001/graphql`);
    assert.equal(gateway.depends_on?.[name]?.condition, 'service_healthy');
  }
});

test('every dependency waits for a healthy service, and every service says when it is healthy', () => {
  for (const [name, s] of Object.entries(compose.services)) {
    assert.ok(s.healthcheck, `${name} has a healthcheck`);
    for (const [on, d] of Object.entries(s.depends_on ?? {})) {
      assert.equal(d.condition, 'service_healthy', `${name} → ${on}`);
      assert.ok(compose.services[on], `${name} depends on a service that exists: ${on}`);
    }
  }
});

test('every variable the file reads is documented in .env.example, and nothing there is unused', () => {
  const used = new Set([...text('docker-compose.yml').matchAll(/\$\{([A-Z_0-9]+)/g)].map((m) => m[1]));
  assert.deepEqual([...used].sort(), Object.keys(example).sort());
});

test('.env.example, as each service reads it, is a configuration the platform starts on in production', () => {
  const interpolate = (v: string) => v.replace(/\$\{([A-Z_0-9]+)\}/g, (_, k: string) => example[k] ?? '');
  for (const [name, s] of Object.entries(compose.services)) {
    if (!s.command?.some((c) => c.endsWith('index.ts'))) continue;
    const env = Object.fromEntries(
      Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
    );
    assert.doesNotThrow(() => loadConfig(env), `${name}`);
    assert.equal(loadConfig(env).NODE_ENV, 'production', name);
  }
});
