import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
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

/** The officer's working set, opened as tabs the first time (GraphiQL keeps the officer's own tabs after). */
export const OFFICER_TABS = [
  { query: KYC_QUEUE, variables: vars({ mine: false }) },
  { query: DECIDE_KYC, variables: vars({ reviewId: '', approve: true, reason: '' }) },
  { query: RISK_REPORT, variables: vars({ applicationId: '' }) },
  { query: APPROVALS, variables: '{}' },
  { query: QUEUE_LIVE, variables: '{}' },
  { query: APPLICATIONS, variables: '{}' },
];

const JS = 'text/javascript; charset=utf-8';
const assets = staticFiles({
  'graphql-ws.min.js': {
    path: join(dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js'),
    type: JS,
  },
  'officer.js': { path: join(__dirname, 'assets', 'graphiql-officer.js'), type: JS },
});

/** GraphiQL's own scripts, served from node_modules and this folder: nothing from a CDN. */
export function graphiqlAsset(req: IncomingMessage, res: ServerResponse) {
  assets(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/graphiql\//, ''), res);
}

const BAR_STYLE = `<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
  #root { flex: 1; min-height: 0; }
  #loanflow-session { display: flex; gap: 8px; align-items: center; padding: 6px 12px;
    font: 13px system-ui, sans-serif; border-bottom: 1px solid #ddd; }
  #loanflow-session form { display: flex; gap: 8px; align-items: center; margin: 0; }
  #loanflow-error { color: #b00020; }
</style>`;

let page: string | undefined;

/**
 * GraphiQL with its assets inlined or served locally (about 9 MB, rendered once), a sign-in bar, and a
 * fetcher that sends subscriptions over graphql-ws with the signed-in token.
 */
export function graphiqlPage(): string {
  if (page) return page;
  const html = renderGraphiQL({
    title: 'LoanFlow GraphiQL',
    subscriptionsProtocol: 'WS',
    headers: '{}',
    shouldPersistHeaders: true,
    defaultTabs: OFFICER_TABS,
  });
  const call = 'YogaGraphiQL.renderYogaGraphiQL(';
  const at = html.lastIndexOf(call);
  const root = html.indexOf('<div id="root"></div>');
  const script = html.indexOf('<script>', root);
  if (at < 0 || script < 0 || root < 0) throw new Error('unexpected GraphiQL page layout');
  page =
    html.slice(0, root).replace('</head>', `${BAR_STYLE}</head>`) +
    '<div id="loanflow-session"></div>' +
    html.slice(root, script) +
    '<script src="/graphiql/graphql-ws.min.js"></script><script src="/graphiql/officer.js"></script>' +
    html.slice(script, at) +
    'loanflowRender(YogaGraphiQL, ' +
    html.slice(at + call.length);
  return page;
}
