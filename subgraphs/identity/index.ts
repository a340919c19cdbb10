import { config } from '../../platform/config';
import { afterCommitOf } from '../../platform/db';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { ACCOUNT_MAIL, sendDueMail } from './mail-queue';
import { Identity1732500000100 } from './migrations/1732500000100-identity';
import { ApiKeys1733300000000 } from './migrations/1733300000000-api-keys';
import { AccountControl1733400000000 } from './migrations/1733400000000-account-control';
import { AuthAuditRow, PasswordResetRow, PendingRegistrationRow } from './model/account';
import { ApiKeyRow } from './model/api-key';
import { CustomerRow } from './model/customer';
import { RefreshTokenRow } from './model/refresh-token';
import { UserRow } from './model/user';
import { identitySchema } from './schema';

export const identity: SubgraphDefinition = {
  name: 'identity',
  dbSchema: 'identity',
  entities: [
    UserRow,
    CustomerRow,
    RefreshTokenRow,
    ApiKeyRow,
    PendingRegistrationRow,
    PasswordResetRow,
    AuthAuditRow,
  ],
  migrations: [Identity1732500000100, ApiKeys1733300000000, AccountControl1733400000000],
  schema: identitySchema,
  worker: (ds) => {
    const BATCH = 20;
    const sender = new Worker(
      'account-mail',
      async () => (await sendDueMail(ds, BATCH)) === BATCH,
      config().NOTIFY_POLL_MS,
    );
    afterCommitOf(ds, ACCOUNT_MAIL, () => sender.nudge());
    return sender;
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(identity));
}
