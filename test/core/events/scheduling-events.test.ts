import { describe, expect, it } from 'vitest';
import { DISPATCH_EVENT_SOURCE } from '../../../lambdas/contract';
import { snapshotPriceBook } from '../../../lambdas/core/accounting/price-book';
import {
  SCHEDULING_ACTION_DETAIL_TYPE,
  SCHEDULING_ERROR_DETAIL_TYPE,
  SCHEDULING_EVENT_SOURCE,
  schedulingEvent,
  schedulingEventDetailSchema,
  schedulingEventEnvelopeSchema,
} from '../../../lambdas/core/events/scheduling-events';
import { resourceHour, snapshotRdsPriceBook } from '../../../lambdas/core/resources/accounting';
import { dbInstance, decide, group, MONDAY_0900, MONDAY_2000, stored } from '../resources/fixtures';

const books = { ec2Prices: snapshotPriceBook(), rdsPrices: snapshotRdsPriceBook(), pue: 1.135 };

describe('Module: scheduling-events', () => {
  describe('Function: schedulingEvent', () => {
    it('describes a group scaled to zero: resource, action, rule, reason, carbon, savings and sizes', () => {
      // Prepare
      const resource = group('web', { Schedule: 'office-hours' }, { min: 2, desired: 4, max: 8 });
      const decision = decide(resource, MONDAY_2000);

      // Act
      const event = schedulingEvent({
        decision,
        outcome: { ok: true },
        account: '123456789012',
        tick: '2026-03-02T20:00:00.000Z',
        hour: resourceHour(resource, books),
        sizesBefore: resource.sizes,
      });

      // Assess
      expect(event).toMatchObject({
        source: 'carbon-aware-scheduler',
        detailType: 'Scheduling Action',
        resources: [resource.arn],
      });
      expect(schedulingEventDetailSchema.parse(event.detail)).toEqual(event.detail);
      expect(event.detail).toMatchObject({
        version: 1,
        severity: 'info',
        resource: { type: 'autoscaling-group', id: 'web', region: 'eu-central-1', account: '123456789012' },
        action: 'stop',
        outcome: 'ok',
        rule: 'asg.record-sizes',
        schedule: 'office-hours',
        desired: 'stopped',
        carbonDriven: false,
        at: '2026-03-02T20:00:00.000Z',
        carbon: {
          gCO2ePerKWh: 342,
          provider: 'static',
          origin: 'static',
          signal: 'average',
          ageSeconds: 0,
          zone: 'DE',
        },
        sizes: { from: { min: 2, desired: 4, max: 8 }, to: { min: 0, desired: 0, max: 0 } },
      });
      expect(event.detail.rules).toEqual(['schedule.desired', 'carbon.not-applied', 'transition', 'asg.record-sizes']);
      // 4 × m5.large: 0.46 USD/h; 4 × 0.00535398 kWh/h; × 342 g/kWh = 7.3242 g/h
      expect(event.detail.savings.usdPerHour).toBeCloseTo(0.46, 6);
      expect(event.detail.savings.kWhPerHour).toBeCloseTo(0.021416, 6);
      expect(event.detail.savings.gCO2ePerHour).toBeCloseTo(7.324, 3);
      expect(event.detail.savings.notEstimated).toEqual([]);
      expect(event.detail.reason).toContain('record the sizes 2-4-8');
    });

    it('reports a failed start as a Scheduling Error, transient codes as warnings', () => {
      // Prepare: a Multi-AZ PostgreSQL instance (no bundled price: not estimated)
      const resource = dbInstance('orders-db', { Schedule: 'office-hours' }, 'stopped', { multiAZ: true });
      const decision = decide(resource, MONDAY_0900, { stored: stored('stopped') });

      // Act
      const capacity = schedulingEvent({
        decision,
        outcome: { ok: false, code: 'InsufficientDBInstanceCapacity', message: 'no capacity in eu-central-1a' },
        account: '123456789012',
        tick: '2026-03-02T09:00:00.000Z',
        hour: resourceHour(resource, books),
      });
      const denied = schedulingEvent({
        decision,
        outcome: { ok: false, code: 'AccessDenied', message: 'not authorized' },
        account: '123456789012',
        tick: '2026-03-02T09:00:00.000Z',
      });

      // Assess
      expect(capacity.detailType).toBe('Scheduling Error');
      expect(capacity.detail).toMatchObject({
        severity: 'warning',
        action: 'start',
        outcome: 'failed',
        error: { code: 'InsufficientDBInstanceCapacity', message: 'no capacity in eu-central-1a' },
      });
      expect(capacity.detail.savings).toMatchObject({ usdPerHour: null });
      expect(capacity.detail.savings.notEstimated[0]).toContain(
        'no on-demand price for db.m5.large (postgres, Multi-AZ)',
      );
      expect(denied.detail).toMatchObject({ severity: 'error', savings: { usdPerHour: null, kWhPerHour: null } });
      expect(() => schedulingEventDetailSchema.parse(denied.detail)).not.toThrow();
    });

    it('refuses a decision without an action', () => {
      // Prepare
      const decision = decide(dbInstance('db', { Schedule: 'office-hours' }, 'available'), MONDAY_0900, {
        stored: stored('running'),
      });

      // Act / Assess
      expect(() =>
        schedulingEvent({ decision, outcome: { ok: true }, account: '123456789012', tick: decision.decidedAt }),
      ).toThrow(RangeError);
    });
  });

  describe('Schema: schedulingEventEnvelopeSchema', () => {
    it('reads the envelope a rule target receives and refuses an error event without its error', () => {
      // Prepare
      const decision = decide(dbInstance('db', { Schedule: 'office-hours' }, 'available'), MONDAY_2000);
      const event = schedulingEvent({
        decision,
        outcome: { ok: true },
        account: '123456789012',
        tick: decision.decidedAt,
      });
      const envelope = { source: event.source, 'detail-type': event.detailType, detail: event.detail };

      // Act / Assess
      expect(schedulingEventEnvelopeSchema.parse(envelope).detail.resource.id).toBe('db');
      expect(schedulingEventDetailSchema.safeParse({ ...event.detail, outcome: 'failed' }).success).toBe(false);
      expect(SCHEDULING_EVENT_SOURCE).toBe(DISPATCH_EVENT_SOURCE);
      expect([SCHEDULING_ACTION_DETAIL_TYPE, SCHEDULING_ERROR_DETAIL_TYPE]).toEqual([
        'Scheduling Action',
        'Scheduling Error',
      ]);
    });
  });
});
