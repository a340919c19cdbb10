import type { MiddlewareFn } from 'type-graphql';
import { isStaff, type RequestContext } from '../auth';

/**
 * For a field that is the bank's business, not the borrower's: who in the bank acted (staff user ids) or
 * how the bank decided (screening flags, lender plans). Staff see it; anyone else gets null — except an
 * id that is their own. Put it on a nullable field with `@UseMiddleware(StaffOnly)`.
 */
export const StaffOnly: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const value = await next();
  if (isStaff(context.caller)) return value;
  return value !== null && value !== undefined && value === context.caller?.userId ? value : null;
};
