import { newEvent } from '../../platform/events';
import type { ApplicationStatus } from './domain/state-machine';
import type { ApplicationRow } from './model/application';

const source = '/loanflow/applications';

interface Actor {
  id: string | null;
}

const base = (app: ApplicationRow, actor: Actor) => ({
  source,
  subject: app.id,
  partitionKey: app.id,
  ...(actor.id ? { actorId: actor.id } : {}),
});

/** The requested terms, as application.created, .updated and .submitted carry them. */
const terms = (app: ApplicationRow) => ({
  applicationId: app.id,
  customerId: app.customerId,
  amountMinor: app.amountMinor,
  currency: app.currency,
  tenureMonths: app.tenureMonths,
  facilityType: app.facilityType,
  ...(app.monthlyIncomeMinor ? { monthlyIncomeMinor: app.monthlyIncomeMinor } : {}),
  ...(app.collateralValueMinor ? { collateralValueMinor: app.collateralValueMinor } : {}),
  ...(app.merchantCategory ? { merchantCategory: app.merchantCategory } : {}),
});

/** Published by applications; all keyed by application id so one application's events stay ordered. */
export const applicationEvents = {
  created: (app: ApplicationRow, actor: Actor) =>
    newEvent({ type: 'application.created', ...base(app, actor), data: terms(app) }),
  updated: (app: ApplicationRow, actor: Actor) =>
    newEvent({ type: 'application.updated', ...base(app, actor), data: terms(app) }),
  submitted: (app: ApplicationRow, actor: Actor) =>
    newEvent({ type: 'application.submitted', ...base(app, actor), data: terms(app) }),
  withdrawn: (app: ApplicationRow, actor: Actor, reason: string | null) =>
    newEvent({
      type: 'application.withdrawn',
      ...base(app, actor),
      data: { applicationId: app.id, customerId: app.customerId, ...(reason ? { reason } : {}) },
    }),
  statusChanged: (
    app: ApplicationRow,
    actor: Actor,
    change: { from: ApplicationStatus; to: ApplicationStatus; trigger: string; reason: string | null },
  ) =>
    newEvent({
      type: 'application.status.changed',
      ...base(app, actor),
      data: {
        applicationId: app.id,
        customerId: app.customerId,
        from: change.from,
        to: change.to,
        trigger: change.trigger,
        ...(change.reason ? { reason: change.reason } : {}),
      },
    }),
};
