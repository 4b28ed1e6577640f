import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  batchEntries,
  EventBridgeSchedulingEventPublisher,
  entrySize,
  MAX_BYTES_PER_CALL,
} from '../../../lambdas/adapters/eventbridge/scheduling-event-publisher';
import { type SchedulingEvent, schedulingEvent } from '../../../lambdas/core/events/scheduling-events';
import { dbInstance, decide, MONDAY_2000 } from '../../core/resources/fixtures';

const eventbridge = mockClient(EventBridgeClient);

/** `n` stop events of DB instances db-0 … db-(n-1). */
function events(n: number): SchedulingEvent[] {
  return Array.from({ length: n }, (_, i) =>
    schedulingEvent({
      decision: decide(dbInstance(`db-${i}`, { Schedule: 'office-hours' }, 'available'), MONDAY_2000),
      outcome: { ok: true },
      account: '123456789012',
      tick: '2026-03-02T20:00:00.000Z',
    }),
  );
}

describe('Module: scheduling-event-publisher', () => {
  beforeEach(() => {
    eventbridge.reset();
  });

  describe('Function: entrySize', () => {
    it('counts 14 bytes for Time and the UTF-8 bytes of Source, DetailType, Detail and Resources', () => {
      // Act / Assess: 14 + 1 + 2 + 8 (`{"é":1}`: "é" is 2 bytes) + 3
      expect(
        entrySize({ Time: new Date(), Source: 's', DetailType: 'dt', Detail: '{"é":1}', Resources: ['arn'] }),
      ).toBe(14 + 1 + 2 + 8 + 3);
    });
  });

  describe('Function: batchEntries', () => {
    it('cuts at 10 entries and at 256 KB, in order, and sets aside an entry larger than a call', () => {
      // Prepare: 12 small entries, then two of 150 KB, then one of 300 KB
      const small = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, entry: { Detail: 'x'.repeat(100) } }));
      const big = ['b1', 'b2'].map((id) => ({ id, entry: { Detail: 'x'.repeat(150 * 1024) } }));
      const huge = { id: 'h', entry: { Detail: 'x'.repeat(MAX_BYTES_PER_CALL + 1) } };

      // Act
      const { batches, tooLarge } = batchEntries([...small, ...big, huge]);

      // Assess
      expect(batches.map((b) => b.map((i) => i.id))).toEqual([
        ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'],
        ['s10', 's11', 'b1'],
        ['b2'],
      ]);
      expect(tooLarge.map((i) => i.id)).toEqual(['h']);
    });
  });

  describe('Class: EventBridgeSchedulingEventPublisher', () => {
    it('puts 23 events in 3 calls on the product bus with source, detail-type, time and resources', async () => {
      // Prepare
      eventbridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
        FailedEntryCount: 0,
        Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })),
      }));
      const publisher = new EventBridgeSchedulingEventPublisher({
        client: new EventBridgeClient({}),
        eventBusName: 'default',
      });

      // Act
      const report = await publisher.publish(events(23));

      // Assess
      expect(report).toEqual({ published: 23, failed: [], calls: 3 });
      const calls = eventbridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
      expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
      const first = calls[0]![0]!;
      expect(first).toMatchObject({
        EventBusName: 'default',
        Source: 'carbon-aware-scheduler',
        DetailType: 'Scheduling Action',
        Time: new Date('2026-03-02T20:00:00.000Z'),
        Resources: ['arn:aws:rds:eu-central-1:123456789012:db:db-0'],
      });
      expect(JSON.parse(first.Detail!)).toMatchObject({ resource: { id: 'db-0' }, action: 'stop' });
    });

    it('retries entries that failed with ThrottlingException and reports those that keep failing', async () => {
      // Prepare: entry 1 throttled once, entry 2 always rejected as malformed
      let call = 0;
      eventbridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
        call += 1;
        return {
          FailedEntryCount: 1,
          Entries: input.Entries.map((entry) => {
            const id = JSON.parse(entry.Detail).resource.id as string;
            if (id === 'db-1' && call === 1) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
            if (id === 'db-2') return { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad detail' };
            return { EventId: `${id}-${call}` };
          }),
        };
      });
      const publisher = new EventBridgeSchedulingEventPublisher({
        client: new EventBridgeClient({}),
        eventBusName: 'bus',
      });

      // Act
      const report = await publisher.publish(events(3));

      // Assess
      expect(report.published).toBe(2);
      expect(report.calls).toBe(2);
      expect(report.failed.map((f) => [f.event.detail.resource.id, f.code])).toEqual([['db-2', 'MalformedDetail']]);
    });

    it('never throws: a failing call fails its entries with the error', async () => {
      // Prepare
      eventbridge.on(PutEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      const publisher = new EventBridgeSchedulingEventPublisher({
        client: new EventBridgeClient({}),
        eventBusName: 'bus',
      });

      // Act
      const report = await publisher.publish(events(2));

      // Assess
      expect(report.published).toBe(0);
      expect(report.failed.map((f) => f.code)).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    });
  });
});
