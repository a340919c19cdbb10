import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SCHEMA_DIR } from '../schema-files';
import type { EventMap, EventType } from './event-map';

/** A CloudEvents 1.0 event in structured JSON mode, with the partitioning extension. */
export interface CloudEvent<T = object> {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  time: string;
  subject: string;
  /** Events of one application share a key so they stay ordered (the partitioning extension). */
  partitionkey: string;
  datacontenttype: 'application/json';
  /** Who caused it, when a person did: a user id, never a name or e-mail. */
  actorid?: string;
  data: T;
}

export type { EventMap, EventType } from './event-map';

/** An event of one type, with its `data` typed by that type's schema (platform/events/event-map.ts). */
export type EventOf<K extends EventType> = CloudEvent<EventMap[K]> & { type: K };

/** The event types whose data has the fields of `T`, e.g. `EventsWith<{ applicationId: string }>`. */
export type EventsWith<T> = { [K in EventType]: EventMap[K] extends T ? K : never }[EventType];

/** Any event that passed its schema: checking `type` tells the compiler what `data` holds. */
export type AnyEvent = { [K in EventType]: EventOf<K> }[EventType];

export const EVENT_SCHEMA_DIR = join(SCHEMA_DIR, 'events');

let validators: Map<string, ValidateFunction> | undefined;
let envelopeValidator: ValidateFunction | undefined;

function load() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  envelopeValidator = ajv.compile(JSON.parse(readFileSync(join(EVENT_SCHEMA_DIR, '_envelope.json'), 'utf8')));
  validators = new Map();
  for (const file of readdirSync(EVENT_SCHEMA_DIR)) {
    if (file.startsWith('_') || !file.endsWith('.json')) continue;
    validators.set(
      file.slice(0, -'.json'.length),
      ajv.compile(JSON.parse(readFileSync(join(EVENT_SCHEMA_DIR, file), 'utf8'))),
    );
  }
  return validators;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Checks the envelope and the `data` of its type against schema/events/; throws InvalidEventError. */
export function validateEvent(event: unknown): asserts event is CloudEvent {
  const byType = validators ?? load();
  if (!envelopeValidator?.(event)) {
    throw new InvalidEventError(`invalid event envelope: ${JSON.stringify(envelopeValidator?.errors)}`);
  }
  const e = event as CloudEvent;
  const check = byType.get(e.type);
  if (!check) throw new InvalidEventError(`no schema for event type ${e.type}`);
  if (!check(e.data)) throw new InvalidEventError(`invalid ${e.type} data: ${JSON.stringify(check.errors)}`);
}

/** Builds the envelope; `recordEvent` checks it against its schema on the way into the outbox. */
export function newEvent<K extends EventType>(args: {
  type: K;
  source: string;
  subject: string;
  partitionKey?: string;
  actorId?: string;
  data: EventMap[K];
}): EventOf<K> {
  const event: EventOf<K> = {
    specversion: '1.0',
    id: randomUUID(),
    type: args.type,
    source: args.source,
    time: new Date().toISOString(),
    subject: args.subject,
    partitionkey: args.partitionKey ?? args.subject,
    datacontenttype: 'application/json',
    ...(args.actorId ? { actorid: args.actorId } : {}),
    data: args.data,
  };
  return event;
}
