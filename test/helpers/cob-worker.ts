// A loans replica that does nothing but the close of business for one date, for tests and benchmarks that
// need one in a process of its own (to kill it mid-run, or to run two side by side). Its environment
// (DATABASE_URL, COB_*) comes from the parent.
import { openDatabase } from '../../platform/db';
import { loans } from '../../subgraphs/loans';
import { closeOfBusiness } from '../../subgraphs/loans/close-of-business';

const asOf = process.argv[2] as string;
void (async () => {
  const db = await openDatabase({ schema: 'loans', entities: loans.entities, migrations: loans.migrations });
  const r = await closeOfBusiness(db, asOf);
  process.stdout.write(`${JSON.stringify({ ...r, pid: process.pid })}\n`);
  await db.destroy();
})();
