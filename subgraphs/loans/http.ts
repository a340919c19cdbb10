import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { callerFromGateway } from '../../platform/auth';
import { AppError, notFound } from '../../platform/errors';
import { sendFile } from '../../platform/http';
import { checkSignedPath } from '../../platform/signed-url';
import { noDuesDownload } from './loan-service';
import { agreementDownload } from './service';

export const LOAN_FILES = '/loan-files';
export const agreementPath = (agreementId: string, fileVersion: number) =>
  `${LOAN_FILES}/agreements/${agreementId}/v${fileVersion}`;
export const noDuesPath = (loanId: string) => `${LOAN_FILES}/no-dues/${loanId}`;

/** GET /loan-files/agreements/{id}/v{n} and /loan-files/no-dues/{loanId}, by signed link only. */
export function loanFileRoutes(db: DataSource) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    await callerFromGateway(req.headers, 'loans');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const agreement = /^\/loan-files\/agreements\/([0-9a-f-]{36})\/v(\d{1,3})$/.exec(url.pathname);
    const noDues = /^\/loan-files\/no-dues\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method !== 'GET' || (!agreement && !noDues)) throw notFound('route');
    const check = checkSignedPath(url);
    if (check !== 'ok') throw new AppError('FORBIDDEN', `download link ${check}`);
    const file = agreement
      ? await agreementDownload(db, agreement[1] as string, Number(agreement[2]))
      : await noDuesDownload(db, noDues?.[1] as string);
    sendFile(res, { ...file, contentType: 'application/pdf' });
  };
}
