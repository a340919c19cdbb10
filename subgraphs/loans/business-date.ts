import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Caller } from '../../platform/auth';
import { config } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { recordEvent } from '../../platform/events';
import { lendingDay } from '../../platform/finance';
import { parseInput } from '../../platform/validation';
import { loanEvents } from './events';
import { BusinessDateRow } from './model/business-date';

/** One organisation runs on this deployment; the row is keyed so that a second would be a row, not a schema. */
const TENANT = 'default';
const DAY_MS = 86_400_000;
/** The most days one request may move the date (each is a day's run). */
export const MAX_DAYS_PER_MOVE = 400;

/** A calendar date `n` days after another (YYYY-MM-DD in, YYYY-MM-DD out). */
export const addDays = (date: string, n: number) =>
  new Date(Date.parse(date) + n * DAY_MS).toISOString().slice(0, 10);
export const nextDay = (date: string) => addDays(date, 1);

/**
 * The calendar's business day at an instant: the Asia/Kolkata date, with the day changing at the cut-off
 * (HH:MM local) instead of midnight — until the cut-off, the day before is still open.
 */
export function calendarBusinessDay(at: Date, cutoff: string): string {
  const [h = 0, m = 0] = cutoff.split(':').map(Number);
  return lendingDay(new Date(at.getTime() - (h * 60 + m) * 60_000));
}

/** The business date now (every dated operation of the loan book reads it). */
export async function businessDate(m: EntityManager): Promise<string> {
  return (await m.findOneOrFail(BusinessDateRow, { where: { tenant: TENANT } })).date;
}

/**
 * The business date in force at an instant: a payment received then is valued on it. Before the first
 * recorded day (older payments), the calendar day of the instant.
 */
export async function valueDateOf(m: EntityManager, at: Date): Promise<string> {
  const [day] = await m.query(
    'SELECT max(date)::text AS date FROM business_days WHERE tenant = $1 AND opened_at <= $2',
    [TENANT, at],
  );
  return (day?.date as string | null) ?? lendingDay(at);
}

export async function businessDay(db: DataSource) {
  const row = await db.getRepository(BusinessDateRow).findOneOrFail({ where: { tenant: TENANT } });
  const c = config();
  return { ...row, manual: !!c.BUSINESS_DATE_MANUAL, cutoff: c.BUSINESS_DAY_CUTOFF };
}

/**
 * Moves the business date forward a day at a time up to `target`, each day in its own transaction with
 * its `business.date.advanced` event, so replicas racing here move each day once and a crash leaves a
 * day either moved or not. Returns the days it moved to, in order.
 */
export async function advanceTo(db: DataSource, target: string, actorId: string | null): Promise<string[]> {
  const days: string[] = [];
  for (;;) {
    const moved = await db.transaction(async (m) => {
      const row = await m.findOneOrFail(BusinessDateRow, {
        where: { tenant: TENANT },
        lock: { mode: 'pessimistic_write' },
      });
      if (row.date >= target) return null;
      const previous = row.date;
      row.date = nextDay(previous);
      row.advancedAt = new Date();
      row.advancedBy = actorId;
      await m.save(row);
      await m.query('INSERT INTO business_days (tenant, date) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        TENANT,
        row.date,
      ]);
      await recordEvent(m, loanEvents.businessDateAdvanced(TENANT, row.date, previous, actorId));
      return row.date;
    });
    if (!moved) return days;
    days.push(moved);
  }
}

/** The date follows the calendar (unless it is moved by hand): the days whose cut-off has passed. */
export function followCalendar(db: DataSource, now = new Date()) {
  const c = config();
  if (c.BUSINESS_DATE_MANUAL) return Promise.resolve([]);
  return advanceTo(db, calendarBusinessDay(now, c.BUSINESS_DAY_CUTOFF), null);
}

/** An operator closes the open day: the date moves to the next, never past the calendar's business day. */
export async function advanceOneDay(db: DataSource, operator: Caller, now = new Date()) {
  const current = await businessDate(db.manager);
  const next = nextDay(current);
  if (!config().BUSINESS_DATE_SETTABLE && next > calendarBusinessDay(now, config().BUSINESS_DAY_CUTOFF)) {
    throw new AppError(
      'FAILED_PRECONDITION',
      `${current} is still open on the calendar; it closes at its cut-off`,
    );
  }
  return advanceTo(db, next, operator.userId);
}

/** Tests and demos: the date moved to a later one, day by day (refused unless BUSINESS_DATE_SETTABLE). */
export async function setBusinessDate(db: DataSource, operator: Caller, date: string) {
  if (!config().BUSINESS_DATE_SETTABLE) {
    throw new AppError(
      'FORBIDDEN',
      'the business date is set only where BUSINESS_DATE_SETTABLE is on (tests and demos)',
    );
  }
  const target = parseInput(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD')
      .refine((d) => {
        const t = Date.parse(d);
        return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
      }, 'not a date on the calendar'),
    date,
  );
  const current = await businessDate(db.manager);
  if (target < current) {
    throw new AppError('FAILED_PRECONDITION', `the business date never goes back (it is ${current})`, {
      field: 'date',
    });
  }
  if ((Date.parse(target) - Date.parse(current)) / DAY_MS > MAX_DAYS_PER_MOVE) {
    throw new AppError('BAD_USER_INPUT', `at most ${MAX_DAYS_PER_MOVE} days at a time`, { field: 'date' });
  }
  return advanceTo(db, target, operator.userId);
}
