import { type EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { DISPATCH_EVENT_SOURCE, JOB_COMPLETED_DETAIL_TYPE } from '../../contract';
import type { JobCompletion } from '../../core/dispatch/job-completion';
import type { CompletionReporter } from '../../core/dispatch/ports';

/** The completion event was rejected (API error or a failed entry). */
export class CompletionReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompletionReportError';
  }
}

/** Options of {@link EventBridgeCompletionReporter}. */
export interface EventBridgeCompletionReporterOptions {
  /** A client in the bus's region (the home region), wherever the worker runs. */
  readonly client: EventBridgeClient;
  /** ARN of the home region's default event bus (env `HOME_EVENT_BUS_ARN`). */
  readonly eventBusArn: string;
}

/**
 * Reports completions as `carbon-aware-scheduler` / `JobCompleted` events on the home region's default bus, where
 * a rule routes them to the outcome recorder. The worker calls the home region's EventBridge endpoint directly,
 * so no cross-region bus-to-bus rule is needed.
 */
export class EventBridgeCompletionReporter implements CompletionReporter {
  constructor(private readonly options: EventBridgeCompletionReporterOptions) {}

  /** @throws {CompletionReportError} when PutEvents fails or reports a failed entry */
  async report(completion: JobCompletion): Promise<void> {
    let response: PutEventsCommandOutput | undefined;
    try {
      response = await this.options.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.options.eventBusArn,
              Source: DISPATCH_EVENT_SOURCE,
              DetailType: JOB_COMPLETED_DETAIL_TYPE,
              Detail: JSON.stringify(completion),
              Time: new Date(completion.endedAt),
            },
          ],
        }),
      );
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new CompletionReportError(`PutEvents to ${this.options.eventBusArn} failed: ${text}`);
    }
    if ((response?.FailedEntryCount ?? 0) > 0) {
      const entry = response?.Entries?.[0];
      throw new CompletionReportError(
        `PutEvents to ${this.options.eventBusArn} rejected the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
