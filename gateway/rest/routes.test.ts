import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROUTES } from './routes';

const rows = readFileSync(join(__dirname, '..', '..', 'docs', 'api-table.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [source, method, path, roles] = l.split('\t');
    return { source, route: `${method} ${path}`, roles };
  });
const declared = new Map(
  ROUTES.map((r) => [
    `${r.method} ${r.path}`,
    Array.isArray(r.roles) ? r.roles.join(',') : (r.roles as string),
  ]),
);

test('every route of the API table is declared, with the table’s roles', () => {
  for (const row of rows.filter((r) => r.source === 'table')) {
    assert.ok(declared.has(row.route), `missing: ${row.route}`);
    assert.equal(declared.get(row.route), row.roles, `roles of ${row.route}`);
  }
});

test('nothing is declared that the list does not name (added routes are marked as ours)', () => {
  const listed = new Map(rows.map((r) => [r.route, r]));
  for (const [route, roles] of declared) {
    assert.ok(listed.has(route), `not in docs/api-table.tsv: ${route}`);
    assert.equal(listed.get(route)?.roles, roles, `roles of ${route}`);
  }
  assert.equal(listed.size, rows.length, 'each route listed once');
});

test('the list covers every endpoint the issue names', () => {
  const table = new Set(rows.filter((r) => r.source === 'table').map((r) => r.route));
  const named: Record<string, string> = {
    'customers register': 'POST /customers/register',
    'customers profile': 'GET /customers/profile',
    'customers kyc': 'POST /customers/kyc',
    'auth login': 'POST /auth/login',
    'auth refresh': 'POST /auth/refresh',
    'auth logout': 'POST /auth/logout',
    'applications create': 'POST /applications',
    'applications get': 'GET /applications/{id}',
    'applications timeline': 'GET /applications/{id}/timeline',
    'documents upload': 'POST /documents',
    'documents list': 'GET /applications/{id}/documents',
    'documents delete': 'DELETE /documents/{id}',
    'kyc queue': 'GET /kyc/queue',
    'kyc assign': 'POST /kyc/{reviewId}/assign',
    'kyc verify': 'POST /kyc/{reviewId}/verify',
    'kyc decision': 'POST /kyc/{reviewId}/decision',
    'risk assess': 'POST /risk/{applicationId}/assess',
    'risk report': 'GET /risk/{applicationId}/report',
    'risk decision': 'POST /risk/{applicationId}/decision',
    'discussion offer': 'POST /discussion/{applicationId}/offer',
    'discussion accept': 'POST /discussion/offers/{offerId}/accept',
    'discussion decline': 'POST /discussion/offers/{offerId}/decline',
    'approval internal': 'POST /approval/{applicationId}/internal',
    'approval management': 'POST /approval/{applicationId}/management',
    'approval final': 'POST /approval/{applicationId}/final',
    'agreement generate': 'POST /agreement/{applicationId}/generate',
    'agreement esign': 'POST /agreement/{agreementId}/esign',
    'agreement upload': 'POST /agreement/{agreementId}/upload',
    'activation trigger': 'POST /activation/{applicationId}/trigger',
    'activation schedule': 'GET /activation/{loanId}/schedule',
    'activation account': 'GET /activation/{loanId}/account',
    'payments record': 'POST /payments',
    'payments proof': 'POST /payments/{paymentId}/proof',
    'payments history': 'GET /payments/{loanId}/history',
    'payments outstanding': 'GET /payments/{loanId}/outstanding',
    'loans close': 'POST /loans/{loanId}/close',
    'notifications inbox': 'GET /notifications/inbox',
    'notifications read': 'POST /notifications/{id}/read',
    'notifications preferences': 'GET /notifications/preferences',
    'admin loans': 'GET /admin/loans',
    'admin dashboard': 'GET /admin/dashboard',
    health: 'GET /health/{service}',
    metrics: 'GET /metrics',
  };
  for (const [name, route] of Object.entries(named)) assert.ok(table.has(route), `${name}: ${route}`);
});
