import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { staticFiles } from '../platform/http';
import { Role, STAFF_ROLES } from '../platform/roles';
import { LEVELS } from '../subgraphs/approvals/domain/approval';

const KYC_QUEUE = `query KycQueue($mine: Boolean) {
  kycQueue(filter: { mine: $mine }, page: { first: 20 }) {
    totalCount
    nodes {
      id status openedAt assignedTo
      customer { fullName kycStatus }
      application { id status amount { formatted } documents { id type status } }
    }
  }
}`;

const DECIDE_KYC = `mutation DecideKyc($reviewId: ID!, $approve: Boolean!, $reason: String!) {
  decideKyc(reviewId: $reviewId, approve: $approve, reason: $reason) {
    id status decisionReason decidedAt
    application { id status }
  }
}`;

const RISK_REPORT = `query RiskReport($applicationId: ID!) {
  riskReport(applicationId: $applicationId) {
    status score grade recommendation reasons
    bureauScore bureauBand dtiBps foirBps ltvBps
    proposedEmi { formatted }
    decision decisionReason
  }
}`;

const APPROVALS = `query ApprovalsWaitingForMe {
  approvalsWaitingForMe(page: { first: 20 }) {
    totalCount
    nodes {
      id level role status pendingSince
      application { id amount { formatted } customer { fullName } riskScore { grade score } }
    }
  }
}`;

const QUEUE_LIVE = `subscription KycQueueLive {
  kycQueueChanged {
    cursor type applicationId at
    application { status customer { fullName } }
  }
}`;

const APPLICATIONS = `query Applications($statuses: [ApplicationStatus!]) {
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

const PORTFOLIO = `query Portfolio {
  businessDate { date }
  dashboard {
    portfolio {
      currency loans
      principalOutstanding { formatted }
      par30Bps par90Bps npaBps provisionCoverageBps
      npaOutstanding { formatted }
      provisions { formatted }
      buckets { bucket loans principalOutstanding { formatted } }
    }
  }
  closeOfBusinessRuns(last: 5) {
    businessDate startedAt finishedAt borrowers borrowersDone chunksDone chunks parked
    steps { step ms }
  }
  parkedBorrowers { customerId businessDate step reason }
}`;

const vars = (v: Record<string, unknown>) => JSON.stringify(v, null, 2);

const AUTH = 'accessToken refreshToken expiresIn user { fullName roles }';
/** The sign-in bar's own operations (officer.js sends exactly these, so they can be trusted documents). */
const SESSION = {
  login: `mutation($i: LoginInput!) { login(input: $i) { ${AUTH} } }`,
  refresh: `mutation($t: String!) { refresh(refreshToken: $t) { ${AUTH} } }`,
};

interface OfficerTab {
  name: string;
  /** Who may run it, as the resolver checks it (said in the tab so nobody has to guess from FORBIDDEN). */
  roles: readonly Role[];
  /** How the roles are said when listing them all would say less. */
  rolesSaid?: string;
  summary: string;
  document: string;
  variables: Record<string, unknown>;
}

const STAFF = 'any staff role';
const TABS: readonly OfficerTab[] = [
  {
    name: 'KycQueue',
    roles: [Role.KYC_OFFICER, Role.KYC_MANAGER, Role.ADMIN],
    summary: 'reviews waiting, oldest first.',
    document: KYC_QUEUE,
    variables: { mine: false },
  },
  {
    name: 'DecideKyc',
    roles: [Role.KYC_MANAGER],
    summary: 'approve or reject a verified review (the reason is kept on record).',
    document: DECIDE_KYC,
    variables: { reviewId: '', approve: true, reason: '' },
  },
  {
    name: 'RiskReport',
    roles: STAFF_ROLES,
    rolesSaid: STAFF,
    summary: 'the score, grade and affordability figures behind an application.',
    document: RISK_REPORT,
    variables: { applicationId: '' },
  },
  {
    name: 'ApprovalsWaitingForMe',
    roles: LEVELS.map((l) => l.role),
    summary: 'the approval levels due for one of your roles, oldest first.',
    document: APPROVALS,
    variables: {},
  },
  {
    name: 'KycQueueLive',
    roles: [Role.KYC_OFFICER, Role.KYC_MANAGER],
    summary: 'pushed over the WebSocket as applications join or leave the KYC queue.',
    document: QUEUE_LIVE,
    variables: {},
  },
  {
    name: 'Applications',
    roles: STAFF_ROLES,
    rolesSaid: STAFF,
    summary: 'the newest applications with their customers and timelines.',
    document: APPLICATIONS,
    variables: {},
  },
  {
    name: 'Portfolio',
    roles: [Role.MANAGER, Role.CREDIT_HEAD, Role.ADMIN],
    summary:
      'the book at the business date: PAR30/90, gross NPA, provision coverage, and the close of business runs.',
    document: PORTFOLIO,
    variables: {},
  },
];

const either = (roles: readonly string[]) =>
  roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}` : roles.join('');

/** The officer's working set, opened as tabs the first time (GraphiQL keeps the officer's own tabs after). */
export const OFFICER_TABS = TABS.map((t) => ({
  query: `# Needs ${t.rolesSaid ?? either(t.roles)}: ${t.summary}\n${t.document}`,
  variables: vars(t.variables),
}));

/** Which roles each tab needs, for the sign-in bar to name the tabs the signed-in person cannot run. */
const TAB_ROLES = TABS.map((t) => ({ name: t.name, roles: t.roles, said: t.rolesSaid ?? either(t.roles) }));

/**
 * What GraphiQL's schema query gets before anyone signs in (the graph's schema is for staff only): a
 * one-field placeholder saying so, instead of an error on an empty page. Signing in reloads the page,
 * and the real schema is fetched with the officer's token.
 */
const SIGNED_OUT_SCHEMA = introspectionFromSchema(
  buildSchema(`type Query {
  "Sign in with the bar above to load the schema: it is shown to staff. Customers use the operations in the README."
  signInToSeeTheSchema: Boolean
}`),
);

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
  'signed-out-schema.json': {
    content: () => JSON.stringify(SIGNED_OUT_SCHEMA),
    type: 'application/json; charset=utf-8',
  },
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
    signedOutSchema: asset('signed-out-schema.json'),
    tabRoles: TAB_ROLES,
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
