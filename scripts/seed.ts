// The first ADMIN, and with SEED_DEMO_STAFF=true one user per staff role (npm run seed; every platform start).

import type { DataSource } from 'typeorm';
import { config } from '../platform/config';
import { Role, STAFF_ROLES } from '../platform/roles';
import { UserRow } from '../subgraphs/identity/model/user';
import { createUser } from '../subgraphs/identity/service';

export const DEV_ADMIN = { email: 'admin@loanflow.local', password: 'loanflow-dev-sign-in' };

/** Idempotent: users that exist are left alone. Production needs SEED_ADMIN_PASSWORD. */
export async function seed(db: DataSource, env: NodeJS.ProcessEnv = process.env) {
  const email = env.SEED_ADMIN_EMAIL ?? DEV_ADMIN.email;
  const password =
    env.SEED_ADMIN_PASSWORD ?? (config().NODE_ENV === 'production' ? undefined : DEV_ADMIN.password);
  if (!password) throw new Error('SEED_ADMIN_PASSWORD must be set in production');
  const users = db.getRepository(UserRow);
  const created: string[] = [];
  const staff: string[] = [];
  if (!(await users.exists({ where: { email } }))) {
    await createUser(db, { email, password, fullName: 'Platform Admin' }, [Role.ADMIN]);
    created.push(email);
  }
  if (env.SEED_DEMO_STAFF === 'true') {
    for (const role of STAFF_ROLES.filter((r) => r !== Role.ADMIN && r !== Role.SYSTEM)) {
      const staffEmail = `${role.toLowerCase().replace(/_/g, '.')}@loanflow.local`;
      staff.push(staffEmail);
      if (await users.exists({ where: { email: staffEmail } })) continue;
      await createUser(db, { email: staffEmail, password, fullName: `Demo ${role}` }, [role]);
      created.push(staffEmail);
    }
  }
  // The password is told only when it is the development default (never a configured one).
  return { adminEmail: email, staff, created, devPassword: env.SEED_ADMIN_PASSWORD ? undefined : password };
}
