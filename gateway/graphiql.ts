import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { staticFiles } from '../platform/http';

const KYC_QUEUE = `# KYC officers and managers: reviews waiting, oldest first.
query KycQueue($mine: Boolean) {
  kycQueue(filter: { mine: $mine }, page: { first: 20 }) {
    totalCount
    nodes {
      id status openedAt assignedTo
      customer { fullName kycStatus }
      application { id status amount { formatted } documents { id type status } }
    }
  }
}`;

const DECIDE_KYC = `# KYC managers: approve or reject a verified review (the reason is kept on record).
mutation DecideKyc($reviewId: ID!, $approve: Boolean!, $reason: String!) {
  decideKyc(reviewId: $reviewId, approve: $approve, reason: $reason) {
    id status decisionReason decidedAt
    application { id status }
  }
}`;

const RISK_REPORT = `# Risk staff: the score, grade and affordability figures behind an application.
query RiskReport($applicationId: ID!) {
  riskReport(applicationId: $applicationId) {
    status score grade recommendation reasons
    bureauScore bureauBand dtiBps foirBps ltvBps
    proposedEmi { formatted }
    decision decisionReason
  }
}`;

const APPROVALS = `# Approvers: the levels due for one of your roles, oldest first.
query ApprovalsWaitingForMe {
  approvalsWaitingForMe(page: { first: 20 }) {
    totalCount
    nodes {
      id level role status pendingSince
      application { id amount { formatted } customer { fullName } riskScore { grade score } }
    }
  }
}`;

const QUEUE_LIVE = `# Pushed over the WebSocket as applications join or leave the KYC queue.
subscription KycQueueLive {
  kycQueueChanged {
    cursor type applicationId at
    application { status customer { fullName } }
  }
}`;

const APPLICATIONS = `# Staff: the newest applications with their customers and timelines.
query Applications($statuses: [ApplicationStatus!]) {
  applications(filter: { statuses: $statuses }, page: { first: 20 }) {
    totalCount
    nodes {
      id status submittedAt
      amount { formatted }
      customer { fullName kycStatus }
      timeline { at action fromStatus toStatus reason }
    }
  }
}`;

const vars = (v: Record<string, unknown>) => JSON.stringify(v, null, 2);

const AUTH = 'accessToken refreshToken expiresIn user { fullName roles }';
/** The sign-in bar's own operations (officer.js sends exactly these, so they can be trusted documents). */
const SESSION = {
  login: `mutation($i: LoginInput!) { login(input: $i) { ${AUTH} } }`,
  refresh: `mutation($t: String!) { refresh(refreshToken: $t) { ${AUTH} } }`,
};

/** The officer's working set, opened as tabs the first time (GraphiQL keeps the officer's own tabs after). */
export const OFFICER_TABS = [
  { query: KYC_QUEUE, variables: vars({ mine: false }) },
  { query: DECIDE_KYC, variables: vars({ reviewId: '', approve: true, reason: '' }) },
  { query: RISK_REPORT, variables: vars({ applicationId: '' }) },
  { query: APPROVALS, variables: '{}' },
  { query: QUEUE_LIVE, variables: '{}' },
  { query: APPLICATIONS, variables: '{}' },
];

/** Every document GraphiQL sends of its own: registered when trusted documents are on. */
export const GRAPHIQL_DOCUMENTS = [...OFFICER_TABS.map((t) => t.query), SESSION.login, SESSION.refresh];

const JS = 'text/javascript; charset=utf-8';
/** GraphiQL's parts as @graphql-yoga/render-graphiql ships them (it would inline all 9 MB in one page). */
const parts = () =>
  require('@graphql-yoga/render-graphiql/graphiql') as Record<
    'js' | 'css' | 'favicon' | 'editorWorkerService' | 'jsonWorker' | 'graphqlWorker',
    string
  >;
const assets = staticFiles({
  'graphql-ws.min.js': {
    path: join(dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js'),
    type: JS,
  },
  'graphiql.js': { content: () => parts().js, type: JS },
  'graphiql.css': { content: () => parts().css, type: 'text/css; charset=utf-8' },
  'favicon.ico': {
    content: () => Buffer.from(parts().favicon.replace(/^data:[^,]*;base64,/, ''), 'base64'),
    type: 'image/x-icon',
  },
  // Monaco's workers as files of this origin (the stock page makes blob: URLs from inline strings).
  'editorWorkerService.js': { content: () => parts().editorWorkerService, type: JS },
  'json.js': { content: () => parts().jsonWorker, type: JS },
  'graphql.js': { content: () => parts().graphqlWorker, type: JS },
  'officer.js': { path: join(__dirname, 'assets', 'graphiql-officer.js'), type: JS },
  'officer.css': { path: join(__dirname, 'assets', 'graphiql-officer.css'), type: 'text/css; charset=utf-8' },
});

/** GraphiQL's own files, served from node_modules and this folder: nothing from a CDN, nothing inline. */
export function graphiqlAsset(req: IncomingMessage, res: ServerResponse) {
  assets(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/graphiql\//, ''), req, res);
}

const asset = (name: string) => `/graphiql/${name}?v=${assets.version(name)}`;
/** `<` in the options must not end the data block early. */
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

let page: string | undefined;

/**
 * GraphiQL as a small page of same-origin files (so it runs under PAGE_CSP, and its scripts are cached
 * and gzipped), with a sign-in bar and a fetcher that sends subscriptions over graphql-ws with the token.
 */
export function graphiqlPage(): string {
  page ??= `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LoanFlow GraphiQL</title>
<link rel="icon" href="${asset('favicon.ico')}">
<link rel="stylesheet" href="${asset('graphiql.css')}">
<link rel="stylesheet" href="${asset('officer.css')}">
</head>
<body id="body" class="no-focus-outline">
<div id="loanflow-session"></div>
<div id="root"></div>
<script type="application/json" id="graphiql-options">${json({
    title: 'LoanFlow GraphiQL',
    subscriptionsProtocol: 'WS',
    headers: '{}',
    // The header editor may hold a token: it is not kept in the browser's storage.
    shouldPersistHeaders: false,
    defaultTabs: OFFICER_TABS,
    session: SESSION,
    workers: {
      editorWorkerService: asset('editorWorkerService.js'),
      json: asset('json.js'),
      graphql: asset('graphql.js'),
    },
  })}</script>
<script src="${asset('graphql-ws.min.js')}"></script>
<script src="${asset('officer.js')}"></script>
<script src="${asset('graphiql.js')}"></script>
</body>
</html>`;
  return page;
}
