import * as z from 'zod';
import { SCHEDULING_ACTION_DETAIL_TYPE, SCHEDULING_ERROR_DETAIL_TYPE, SCHEDULING_EVENT_SOURCE } from '../../contract';
import type { ResourceHour } from '../resources/accounting';
import { type ResourceDecision, resourceCarbonSummary } from '../resources/decide';
import { formatResourceReason, resourceRuleIds } from '../resources/reason';
import { RESOURCE_TYPES } from '../resources/types';

/**
 * The events the scheduler puts on the product's event bus for every action it takes and every action that failed
 * (docs/resources.md, "Events"): `source` {@link SCHEDULING_EVENT_SOURCE}, `detail-type`
 * {@link SCHEDULING_ACTION_DETAIL_TYPE} or {@link SCHEDULING_ERROR_DETAIL_TYPE}, and a `detail` of
 * {@link schedulingEventDetailSchema}. One module holds the shape so the publisher, rules, subscriptions and tests
 * cannot drift. A consumer matches on `detail-type`, `detail.severity`, `detail.resource.type` or `detail.rule`.
 */

/** Source and detail types live in the contract (the CDK app's rules match them). */
export { SCHEDULING_ACTION_DETAIL_TYPE, SCHEDULING_ERROR_DETAIL_TYPE, SCHEDULING_EVENT_SOURCE };
/** Version of the detail shape; a consumer should check it. */
export const SCHEDULING_EVENT_VERSION = 1;
/** Reasons longer than this are cut (with `…`), so an event stays far below EventBridge's 256 KB. */
export const MAX_REASON_CHARS = 4000;

const sizesSchema = z.object({
  min: z.number().int().nonnegative(),
  desired: z.number().int().nonnegative(),
  max: z.number().int().nonnegative(),
});

/** The `detail` of a scheduling event. */
export const schedulingEventDetailSchema = z
  .object({
    version: z.literal(SCHEDULING_EVENT_VERSION),
    /** `info` for actions; `warning` for failures the next run retries by itself; `error` for other failures. */
    severity: z.enum(['info', 'warning', 'error']),
    resource: z
      .object({
        type: z.enum(RESOURCE_TYPES),
        /** EC2 instance id, DB instance or cluster identifier, Auto Scaling group name. */
        id: z.string().min(1).max(256),
        arn: z.string().startsWith('arn:').optional(),
        region: z.string().min(1),
        /** The 12-digit account the resource is in. */
        account: z.string().regex(/^\d{12}$/),
      })
      .strict(),
    /** What the scheduler did (`start` of a group restores its sizes; `stop` scales it to 0-0-0). */
    action: z.enum(['start', 'stop', 'resize', 'hibernate']),
    outcome: z.enum(['ok', 'failed']),
    /** The rule that settled the action (docs/resources.md, "Decision rules"), and every step's rule in order. */
    rule: z.string().min(1),
    rules: z.array(z.string().min(1)),
    reason: z.string().max(MAX_REASON_CHARS),
    schedule: z.string(),
    desired: z.enum(['running', 'stopped', 'any']),
    /** True when a carbon policy (not the time schedule) stopped the resource. */
    carbonDriven: z.boolean(),
    /** ISO-8601 time of the run and its tick. */
    at: z.iso.datetime(),
    tick: z.iso.datetime(),
    carbon: z
      .object({
        gCO2ePerKWh: z.number().nonnegative(),
        provider: z.string(),
        origin: z.enum(['live', 'cached', 'static', 'trace']),
        signal: z.enum(['average', 'marginal']),
        ageSeconds: z.number().int().nonnegative(),
        zone: z.string().optional(),
      })
      .strict(),
    /**
     * What an hour of the resource running costs and emits (what each hour stopped avoids), each null when not
     * estimated; `notEstimated` says why.
     */
    savings: z
      .object({
        usdPerHour: z.number().nonnegative().nullable(),
        kWhPerHour: z.number().nonnegative().nullable(),
        gCO2ePerHour: z.number().nonnegative().nullable(),
        notEstimated: z.array(z.string()),
      })
      .strict(),
    /** Auto Scaling groups: the sizes before and after the action. */
    sizes: z.object({ from: sizesSchema, to: sizesSchema }).strict().optional(),
    /** EC2 resizes: the type before and after. */
    instanceType: z.object({ from: z.string(), to: z.string() }).strict().optional(),
    /** The failure of a `Scheduling Error`: the AWS error code and message. */
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
  })
  .strict()
  .superRefine((detail, ctx) => {
    if ((detail.outcome === 'failed') !== (detail.error !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['error'], message: 'a failed action carries its error, an ok one none' });
    }
  });

/** The `detail` of a scheduling event. */
export type SchedulingEventDetail = z.output<typeof schedulingEventDetailSchema>;

/** A scheduling event, ready for PutEvents. */
export interface SchedulingEvent {
  readonly source: typeof SCHEDULING_EVENT_SOURCE;
  readonly detailType: typeof SCHEDULING_ACTION_DETAIL_TYPE | typeof SCHEDULING_ERROR_DETAIL_TYPE;
  /** Event time: the run's `now`. */
  readonly time: Date;
  /** ARNs of the resources the event is about (EventBridge `resources`). */
  readonly resources: readonly string[];
  readonly detail: SchedulingEventDetail;
}

/** The envelope EventBridge delivers to targets (`aws events put-events` → rule → target), for consumers and tests. */
export const schedulingEventEnvelopeSchema = z.object({
  source: z.literal(SCHEDULING_EVENT_SOURCE),
  'detail-type': z.enum([SCHEDULING_ACTION_DETAIL_TYPE, SCHEDULING_ERROR_DETAIL_TYPE]),
  detail: schedulingEventDetailSchema,
});

/**
 * Failure codes the next run retries by itself (capacity, throttling, a resource busy for a moment): reported as
 * `warning`, not `error`, so a subscription filtered on errors stays quiet for them.
 */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientDBInstanceCapacity',
  'InsufficientDBInstanceCapacityFault',
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'InvalidDBInstanceState',
  'InvalidDBInstanceStateFault',
  'InvalidDBClusterStateFault',
  'ScalingActivityInProgress',
  'ScalingActivityInProgressFault',
  'ResourceContention',
  'ResourceContentionFault',
  'TimeoutError',
]);

/** Input of {@link schedulingEvent}. */
export interface SchedulingEventInput {
  readonly decision: ResourceDecision;
  /** `ok`, or the failure (AWS error code and message). */
  readonly outcome: { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };
  /** The account the run acted in (the resource's own when its ARN names one). */
  readonly account: string;
  readonly tick: string;
  /** What an hour of the resource running costs and draws (resourceHour), when known. */
  readonly hour?: ResourceHour;
  /** A stop that hibernated (EC2). */
  readonly hibernated?: boolean;
  /** Sizes of the group before the action (its described sizes). */
  readonly sizesBefore?: { readonly min: number; readonly desired: number; readonly max: number };
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * The event of one action (or failed action) of a decision. Pure.
 * @throws {RangeError} for a decision without an action (`none` has no event)
 */
export function schedulingEvent(input: SchedulingEventInput): SchedulingEvent {
  const { decision, outcome } = input;
  if (decision.action === 'none' || decision.desired === null) {
    throw new RangeError(`schedulingEvent: ${decision.id} has no action to report`);
  }
  const now = new Date(decision.decidedAt);
  const carbon = resourceCarbonSummary(decision.carbon, now);
  const hour = input.hour;
  const gCO2ePerHour = hour?.kWhPerHour !== undefined ? hour.kWhPerHour * decision.carbon.gCO2ePerKWh : undefined;
  const ec2 = decision.instanceDecision;
  const action = decision.action === 'stop' && input.hibernated ? 'hibernate' : decision.action;
  const detail: SchedulingEventDetail = {
    version: SCHEDULING_EVENT_VERSION,
    severity: outcome.ok ? 'info' : TRANSIENT_ERROR_CODES.has(outcome.code) ? 'warning' : 'error',
    resource: {
      type: decision.resourceType,
      id: decision.id,
      ...(decision.arn ? { arn: decision.arn } : {}),
      region: decision.region,
      account: decision.accountId ?? input.account,
    },
    action,
    outcome: outcome.ok ? 'ok' : 'failed',
    rule: decision.reason.rule,
    rules: resourceRuleIds(decision.reason),
    reason: cut(formatResourceReason(decision.reason), MAX_REASON_CHARS),
    schedule: decision.schedule ?? '',
    desired: decision.desired,
    carbonDriven: decision.carbonDriven === true,
    at: now.toISOString(),
    tick: new Date(input.tick).toISOString(),
    carbon: {
      gCO2ePerKWh: carbon.gCO2ePerKWh,
      provider: carbon.provider,
      origin: carbon.origin,
      signal: carbon.signal,
      ageSeconds: carbon.ageSeconds,
      ...(decision.carbon.zone ? { zone: decision.carbon.zone } : {}),
    },
    savings: {
      usdPerHour: hour?.usdPerHour !== undefined ? round(hour.usdPerHour, 6) : null,
      kWhPerHour: hour?.kWhPerHour !== undefined ? round(hour.kWhPerHour, 6) : null,
      gCO2ePerHour: gCO2ePerHour !== undefined ? round(gCO2ePerHour, 3) : null,
      notEstimated: hour ? [...hour.notes] : ['not estimated for this resource'],
    },
    ...(decision.resourceType === 'autoscaling-group' && input.sizesBefore
      ? {
          sizes: {
            from: input.sizesBefore,
            to:
              decision.action === 'start' && decision.targetSizes
                ? decision.targetSizes
                : { min: 0, desired: 0, max: 0 },
          },
        }
      : {}),
    ...(decision.action === 'resize' && ec2?.targetInstanceType
      ? { instanceType: { from: ec2.instanceType, to: ec2.targetInstanceType } }
      : {}),
    ...(outcome.ok ? {} : { error: { code: outcome.code, message: cut(outcome.message, 1000) } }),
  };
  return {
    source: SCHEDULING_EVENT_SOURCE,
    detailType: outcome.ok ? SCHEDULING_ACTION_DETAIL_TYPE : SCHEDULING_ERROR_DETAIL_TYPE,
    time: now,
    resources: decision.arn ? [decision.arn] : [],
    detail,
  };
}
