import './helpers/env';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { staffUser, submittedApplication } from './helpers/flows';
import { startTestPlatform } from './helpers/platform';

// Debian's Chromium (.ci/run installs it); a tool never downloads a browser of its own here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** The query editor's text (Monaco renders spaces as no-break spaces). */
const editorText = async (page: import('playwright-core').Page) =>
  ((await page.locator('.graphiql-query-editor').first().textContent()) ?? '').replace(/\s+/g, ' ');

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let browser: Browser | undefined;

before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});

test('an officer signs in to GraphiQL, runs a query, and sees a subscription push an event', async () => {
  const officer = await staffUser(platform.gql, 'KYC_OFFICER');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps calling out to a network this machine lacks.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(platform.gateway.url).origin) && !/^(data|blob):/.test(r.url())) {
      external.push(r.url());
    }
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  // Before sign-in the schema query is answered in the page with a placeholder, not sent to be refused.
  const signedOutSchemaCalls: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /__schema/.test(r.postData() ?? '')) signedOutSchemaCalls.push(r.url());
  });
  const loaded = await page.goto(platform.gateway.url);
  const csp = loaded?.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script may run on the page');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(
    ((await loaded?.body())?.length ?? 0) < 20_000,
    'the page is small; its scripts are cached files',
  );
  await page.locator('.graphiql-tab').first().waitFor();
  assert.deepEqual(signedOutSchemaCalls, [], 'no schema query leaves the page before sign-in');
  assert.doesNotMatch(
    (await page.locator('#root').textContent()) ?? '',
    /introspection|error/i,
    'no schema error is shown to a visitor who has not signed in',
  );
  await page.getByPlaceholder('e-mail').fill(officer.email);
  await page.getByPlaceholder('password').fill(officer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as KYC_OFFICER user (KYC_OFFICER)').waitFor();
  // The page opens on the first officer tab, never on an empty "<untitled>" one — nor when the officer
  // comes back to it (GraphiQL then restores the tabs it stored, and the active one stays active).
  const active = page.locator('.graphiql-tab-active .graphiql-tab-button');
  const tabs = async () =>
    (await page.locator('.graphiql-tab-button').allTextContents()).map((t) => t.trim());
  await active.waitFor();
  assert.equal((await active.textContent())?.trim(), 'KycQueue');
  // Each tab says who may run it, and the bar names those this officer's role cannot.
  assert.match(await editorText(page), /# Needs KYC_OFFICER, KYC_MANAGER or ADMIN:/);
  const opened = await tabs();
  assert.doesNotMatch(opened.join(), /untitled/);
  await page.getByRole('button', { name: 'RiskReport', exact: true }).click();
  await page.waitForTimeout(700); // GraphiQL stores its tabs half a second after a change
  await page.goto(platform.gateway.url);
  await page.getByText('Signed in as KYC_OFFICER user (KYC_OFFICER)').waitFor();
  await active.waitFor();
  assert.equal((await active.textContent())?.trim(), 'RiskReport', 'the tab the officer left open');
  assert.deepEqual(await tabs(), opened, 'no tab added by coming back');
  const closed = (await page.locator('#loanflow-tab-roles').textContent()) ?? '';
  assert.match(closed, /DecideKyc \(needs KYC_MANAGER\)/);
  assert.match(closed, /ApprovalsWaitingForMe \(needs INTERNAL_APPROVER, MANAGER or CREDIT_HEAD\)/);
  assert.doesNotMatch(
    closed,
    /KycQueue\b|RiskReport|Applications /,
    'tabs open to a KYC officer are not named',
  );

  const result = () => page.locator('.result-window');
  const run = () => page.locator('.graphiql-execute-button').click();
  const tab = (name: string) => page.getByRole('button', { name, exact: true }).click();

  await tab('KycQueue');
  await run();
  await result().getByText('"totalCount"').waitFor();
  assert.doesNotMatch((await result().textContent()) ?? '', /UNAUTHENTICATED|FORBIDDEN/);

  await tab('KycQueueLive');
  await run();
  // The subscription is live once the socket is up; until then an event passes it by, so submit again.
  let c: Awaited<ReturnType<typeof submittedApplication>> | undefined;
  for (let attempt = 0; attempt < 5 && !c; attempt++) {
    const next = await submittedApplication(platform.gql, 'Pushed Through');
    const shown = await result()
      .getByText(next.applicationId)
      .waitFor({ timeout: 8000 })
      .then(() => true)
      .catch(() => false);
    if (shown) c = next;
  }
  if (!c) {
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql-subscription-failed.png') });
    assert.fail(`no pushed event on the page: ${await result().textContent()}`);
  }
  // The editor renders spaces as no-break spaces.
  const pushed = ((await result().textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(pushed, /application\.submitted/);
  assert.match(pushed, /"fullName": "Pushed Through"/, 'the customer’s name came through the gateway');

  await page.screenshot({ path: join(ARTIFACTS, 'graphiql-subscription.png') });
  assert.deepEqual(external, [], 'nothing fetched from outside the gateway');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(refused, [], 'the page runs under its policy without being refused anything');
  // Run in the page, where the Web Storage globals exist.
  const stored = (await page.evaluate(
    '({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })',
  )) as { local: string; session: string };
  assert.doesNotMatch(stored.local, /eyJ|accessToken|refreshToken/, 'no token in localStorage');
  assert.match(stored.session, /accessToken/, 'the session lives in this tab only');
});
