import { type EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { DISPATCH_EVENT_SOURCE, JOB_REQUESTED_DETAIL_TYPE } from '../../contract';
import type { JobRequestPublisher } from '../../core/api/ports';
import type { DispatchRequestInput } from '../../core/dispatch/job-request';

/** PutEvents failed or EventBridge refused the entry. */
export class JobRequestPublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobRequestPublishError';
  }
}

/**
 * Puts `carbon-aware-scheduler` / `JobRequested` events on the default bus of the API's region (the home region),
 * where the `JobRequestedRule` routes them to the dispatcher: the same event as any other submitter's.
 *
 * IAM: events:PutEvents on the default bus, conditioned on `events:source` and `events:detail-type`.
 */
export class EventBridgeJobRequestPublisher implements JobRequestPublisher {
  constructor(private readonly client: EventBridgeClient) {}

  /** @throws {JobRequestPublishError} when PutEvents fails or reports a failed entry */
  async publish(request: DispatchRequestInput): Promise<{ eventId?: string }> {
    let response: PutEventsCommandOutput;
    try {
      response = await this.client.send(
        new PutEventsCommand({
          Entries: [
            { Source: DISPATCH_EVENT_SOURCE, DetailType: JOB_REQUESTED_DETAIL_TYPE, Detail: JSON.stringify(request) },
          ],
        }),
      );
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new JobRequestPublishError(`PutEvents of the JobRequested event failed: ${text}`);
    }
    const entry = response.Entries?.[0];
    if ((response.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) {
      throw new JobRequestPublishError(
        `EventBridge refused the JobRequested event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
    return entry?.EventId ? { eventId: entry.EventId } : {};
  }
}
