import { Client } from 'pg';
import { runPlatform } from '../../scripts/platform';
import { ADMIN_DATABASE_URL, TEST_ID } from './env';

export async function createDatabase(name = TEST_ID) {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

export async function dropDatabase(name = TEST_ID) {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

export function client(url: string) {
  return async function gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GqlResult<T>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
}

let messaging: string | undefined;

/** Tells the helpers where messages land when the platform was started otherwise (e.g. by `npm start`). */
export function useMessaging(url: string) {
  messaging = url;
}

/** The messaging simulator of the platform this test process started (e-mails, SMS and push land there). */
export function messagingUrl(): string {
  if (!messaging) throw new Error('no test platform is running');
  return messaging;
}

/** All subgraphs and the gateway on free ports, against this test's own database. */
export async function startTestPlatform() {
  await createDatabase();
  const platform = await runPlatform({ gatewayPort: 0, basePort: 0 });
  messaging = platform.notifyUrl;
  return {
    ...platform,
    gql: client(platform.gateway.url),
    /** A subgraph's own database, to check what was (not) written. */
    db(name: string) {
      const ds = platform.subgraphs.find((s) => s.name === name)?.ds;
      if (!ds) throw new Error(`no subgraph ${name}`);
      return ds;
    },
    async stop() {
      await platform.stop();
      await dropDatabase();
    },
  };
}

export const firstError = (r: GqlResult) => r.errors?.[0]?.extensions?.code;

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
