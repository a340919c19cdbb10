import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const LOGIN = `# Run, then set the header Authorization: "Bearer <accessToken>"
mutation Login($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) {
    accessToken
    expiresIn
    user { id fullName roles }
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

let page: string | undefined;

/** GraphiQL with every asset inlined (no CDN); rendered once, it is about 9 MB. */
export function graphiqlPage(): string {
  page ??= renderGraphiQL({
    title: 'LoanFlow GraphiQL',
    subscriptionsProtocol: 'WS',
    // Empty until the officer logs in: a placeholder token would make every request, login included, a 401.
    headers: JSON.stringify({ Authorization: '' }, null, 2),
    shouldPersistHeaders: true,
    defaultTabs: [
      { query: LOGIN, variables: JSON.stringify({ email: 'admin@loanflow.local', password: '' }, null, 2) },
      { query: APPLICATIONS, variables: '{}' },
    ],
  });
  return page;
}
