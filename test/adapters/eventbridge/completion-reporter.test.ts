import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CompletionReportError,
  EventBridgeCompletionReporter,
} from '../../../lambdas/adapters/eventbridge/completion-reporter';
import type { JobCompletion } from '../../../lambdas/core/dispatch/job-completion';

const eventBridgeMock = mockClient(EventBridgeClient);
const BUS = 'arn:aws:events:eu-central-1:123456789012:event-bus/default';
const completion: JobCompletion = {
  jobId: 'j1',
  kind: 'report-location',
  region: 'eu-north-1',
  startedAt: '2026-11-21T14:00:00.000Z',
  endedAt: '2026-11-21T14:00:00.250Z',
  durationMs: 250,
  outcome: 'ok',
  result: { region: 'eu-north-1' },
};

describe('Module: completion-reporter', () => {
  afterEach(() => {
    eventBridgeMock.reset();
  });

  describe('Class: EventBridgeCompletionReporter', () => {
    it('puts one JobCompleted event on the home bus', async () => {
      // Prepare
      eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
      const reporter = new EventBridgeCompletionReporter({ client: new EventBridgeClient({}), eventBusArn: BUS });

      // Act
      await reporter.report(completion);

      // Assess
      expect(eventBridgeMock).toHaveReceivedCommandWith(PutEventsCommand, {
        Entries: [
          {
            EventBusName: BUS,
            Source: 'carbon-aware-scheduler',
            DetailType: 'JobCompleted',
            Detail: JSON.stringify(completion),
            Time: new Date('2026-11-21T14:00:00.250Z'),
          },
        ],
      });
    });

    it('throws when the entry is rejected or the call fails', async () => {
      // Prepare
      eventBridgeMock
        .on(PutEventsCommand)
        .resolvesOnce({
          FailedEntryCount: 1,
          Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }],
        })
        .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      const reporter = new EventBridgeCompletionReporter({ client: new EventBridgeClient({}), eventBusArn: BUS });

      // Act / Assess
      await expect(reporter.report(completion)).rejects.toThrow(
        `PutEvents to ${BUS} rejected the event: AccessDeniedException not allowed`,
      );
      await expect(reporter.report(completion)).rejects.toThrow(CompletionReportError);
    });
  });
});
