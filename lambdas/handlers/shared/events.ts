import { type ParseError, parse } from '@aws-lambda-powertools/parser';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';
import type { Clock } from '../../core/clock';

/**
 * Event parsing of every handler (docs/architecture.md, "Events"): Powertools Parser with zod schemas, and its
 * EventBridge envelope for events that come from EventBridge. A malformed event throws {@link InvalidEventError}
 * naming each bad field, before anything is read or changed.
 */

/**
 * Fields of the events a person sends from the console or the CLI: `dryRun` plans without changing anything, `at`
 * (dry runs only) plans as of an ISO-8601 time instead of now.
 */
export const consoleEventFields = {
  dryRun: z.boolean().optional(),
  at: z.iso
    .datetime({ offset: true, error: 'at must be an ISO-8601 date-time such as 2026-11-21T08:00:00Z' })
    .optional(),
};

/** The console event of a function that takes nothing else: `{ "dryRun"?: boolean, "at"?: ISO-8601 }`. */
export const consoleEventSchema = z.object(consoleEventFields).strict();

/** The event was malformed; the handler throws it before acting, so nothing is read, changed or lost. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(`Invalid event: ${message}`);
    this.name = 'InvalidEventError';
  }
}

type Issue = { readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[]; readonly message: string };

/** A readable one-line summary of validation issues: `field: message; field: message`. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');
      return `${path || '(event)'}: ${issue.message}`;
    })
    .join('; ');
}

/** {@link describeIssues} of a zod error. */
export function describeZodError(error: z.ZodError): string {
  return describeIssues(error.issues);
}

function issuesOf(error: ParseError): readonly Issue[] {
  const cause = error.cause;
  if (cause instanceof z.ZodError) return cause.issues;
  if (Array.isArray(cause)) return cause as Issue[];
  return [{ message: error.message }];
}

/**
 * Parse a direct invocation's `event` with `schema` (Powertools Parser); `undefined` or `null` parse as `{}`.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseEvent<T extends z.ZodType>(schema: T, event: unknown): z.output<T> {
  const result = parse(event ?? {}, undefined, schema, true);
  if (!result.success) throw new InvalidEventError(describeIssues(issuesOf(result.error)));
  return result.data as z.output<T>;
}

/** True when `event` has the shape of an EventBridge event (`detail-type` and `source`), whatever its values. */
export function isEventBridgeEvent(event: unknown): event is Record<string, unknown> {
  return typeof event === 'object' && event !== null && 'detail-type' in event && 'source' in event;
}

/** The EventBridge fields a handler keeps from an event besides its `detail`. */
export type EventBridgeMetadata = Omit<z.output<typeof EventBridgeSchema>, 'detail'>;

/**
 * Parse an EventBridge event: its envelope with Powertools' `EventBridgeSchema`, `source` and `detail-type` against
 * the expected values, and its `detail` with `detail` through Powertools' EventBridge envelope.
 * @throws {InvalidEventError} naming each bad field (`detail.…` for fields of the detail)
 */
export function parseEventBridgeEvent<T extends z.ZodType>(
  event: unknown,
  expected: { readonly source: string; readonly detailType: string; readonly detail: T },
): { readonly metadata: EventBridgeMetadata; readonly detail: z.output<T> } {
  const envelope = EventBridgeSchema.extend({
    source: z.literal(expected.source, { error: `source must be ${JSON.stringify(expected.source)}` }),
    'detail-type': z.literal(expected.detailType, {
      error: `detail-type must be ${JSON.stringify(expected.detailType)}`,
    }),
  });
  const checked = parse(event, undefined, envelope, true);
  if (!checked.success) throw new InvalidEventError(describeIssues(issuesOf(checked.error)));
  const detail = parse(event, EventBridgeEnvelope, expected.detail, true);
  if (!detail.success) {
    const issues = issuesOf(detail.error).map((issue) => ({ ...issue, path: issue.path ?? [] }));
    throw new InvalidEventError(describeIssues(issues));
  }
  const { detail: _detail, ...metadata } = checked.data as z.output<typeof EventBridgeSchema>;
  return { metadata, detail: detail.data as z.output<T> };
}

/** The run mode of one invocation: dry or real, and the time it plans or acts at. */
export interface RunMode {
  readonly dryRun: boolean;
  /** The event's `at` (dry runs only), else the clock. */
  readonly now: Date;
}

/**
 * The one rule for `dryRun` and `at`, for every function: an invocation is a dry run when the event says
 * `"dryRun": true` or the configuration says `dryRun: true` (an event cannot turn a configured dry run into a real
 * one); `at` is accepted only on a dry run, so a real run always acts at the current time.
 * @throws {InvalidEventError} for `at` on a real run
 */
export function runMode(
  event: { readonly dryRun?: boolean | undefined; readonly at?: string | undefined },
  config: { readonly dryRun: boolean },
  clock: Clock,
): RunMode {
  const dryRun = event.dryRun === true || config.dryRun;
  if (event.at !== undefined && !dryRun) {
    throw new InvalidEventError('at is only allowed with "dryRun": true; a real run always acts at the current time');
  }
  return { dryRun, now: event.at !== undefined ? new Date(event.at) : clock() };
}
