import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deletionProblem, missingDocuments } from './checklist';

test('rejected and deleted documents count as missing', () => {
  const docs = [
    { type: 'PAN_CARD', status: 'VALIDATED' },
    { type: 'AADHAAR', status: 'DELETED' },
    { type: 'BANK_STATEMENT', status: 'UPLOADED' },
    { type: 'SALARY_SLIP', status: 'REJECTED' },
  ];
  assert.deepEqual(missingDocuments('PERSONAL_LOAN', docs), ['AADHAAR', 'SALARY_SLIP']);
});

test('only a document awaiting review, and not evidence held elsewhere, can be deleted', () => {
  assert.equal(deletionProblem({ type: 'ITR', status: 'UPLOADED' }), null);
  assert.match(deletionProblem({ type: 'ITR', status: 'VALIDATED' }) ?? '', /VALIDATED/);
  assert.match(deletionProblem({ type: 'ITR', status: 'DELETED' }) ?? '', /DELETED/);
  assert.match(deletionProblem({ type: 'PAYMENT_PROOF', status: 'UPLOADED' }) ?? '', /PAYMENT_PROOF/);
  assert.match(deletionProblem({ type: 'SIGNED_AGREEMENT', status: 'UPLOADED' }) ?? '', /SIGNED_AGREEMENT/);
});
