import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { SchedulingEvent } from '../../core/events/scheduling-events';

/** Most entries PutEvents accepts in one call. */
export const MAX_ENTRIES_PER_CALL = 10;
/** Largest total size of one PutEvents call, bytes (256 KB). */
export const MAX_BYTES_PER_CALL = 256 * 1024;
/** Per-entry error codes worth trying again. */
const RETRYABLE_ENTRY_CODES = new Set(['InternalFailure', 'ThrottlingException', 'InternalException']);

/** An event that could not be put, and why. */
export interface UnpublishedEvent {
  readonly event: SchedulingEvent;
  readonly code: string;
  readonly message: string;
}

/** What {@link EventBridgeSchedulingEventPublisher.publish} did. */
export interface PublishReport {
  readonly published: number;
  readonly failed: readonly UnpublishedEvent[];
  /** PutEvents calls made, retries included. */
  readonly calls: number;
}

/** Puts scheduling events on a bus. Never throws: what could not be put is in the report. */
export interface SchedulingEventPublisher {
  publish(events: readonly SchedulingEvent[]): Promise<PublishReport>;
}

/**
 * The size EventBridge counts for an entry (AWS EventBridge User Guide, "Calculating PutEvents event entry size"):
 * 14 bytes for `Time`, plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each `Resources` ARN.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, arn) => sum + bytes(arn), 0)
  );
}

/**
 * Split entries into PutEvents calls of at most {@link MAX_ENTRIES_PER_CALL} entries and {@link MAX_BYTES_PER_CALL}
 * bytes, in order. An entry larger than a whole call is returned in `tooLarge` instead.
 */
export function batchEntries<T extends { readonly entry: PutEventsRequestEntry }>(
  items: readonly T[],
): { batches: T[][]; tooLarge: T[] } {
  const batches: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = entrySize(item.entry);
    if (itemSize > MAX_BYTES_PER_CALL) {
      tooLarge.push(item);
      continue;
    }
    if (current.length === MAX_ENTRIES_PER_CALL || size + itemSize > MAX_BYTES_PER_CALL) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) batches.push(current);
  return { batches, tooLarge };
}

/** Options of {@link EventBridgeSchedulingEventPublisher}. */
export interface EventBridgeSchedulingEventPublisherOptions {
  readonly client: EventBridgeClient;
  /** Name or ARN of the product's event bus (the home region's default bus). */
  readonly eventBusName: string;
  /** Attempts per entry that fails with a retryable per-entry code (default 3). */
  readonly maxAttempts?: number;
}

/**
 * The {@link SchedulingEventPublisher} on EventBridge PutEvents: events in order, batched by count and size, entries
 * that fail with `InternalFailure` or `ThrottlingException` retried (the SDK retries whole calls by itself).
 * IAM: events:PutEvents on the bus.
 */
export class EventBridgeSchedulingEventPublisher implements SchedulingEventPublisher {
  private readonly maxAttempts: number;

  constructor(private readonly options: EventBridgeSchedulingEventPublisherOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** The PutEvents entry of an event. */
  entryOf(event: SchedulingEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.eventBusName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: event.time,
      ...(event.resources.length > 0 ? { Resources: [...event.resources] } : {}),
    };
  }

  async publish(events: readonly SchedulingEvent[]): Promise<PublishReport> {
    const failed: UnpublishedEvent[] = [];
    let published = 0;
    let calls = 0;
    let pending = events.map((event) => ({ event, entry: this.entryOf(event) }));
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt += 1) {
      const { batches, tooLarge } = batchEntries(pending);
      for (const item of tooLarge) {
        failed.push({
          event: item.event,
          code: 'EntryTooLarge',
          message: `the event is ${entrySize(item.entry)} bytes, more than ${MAX_BYTES_PER_CALL}`,
        });
      }
      const retry: typeof pending = [];
      for (const batch of batches) {
        calls += 1;
        try {
          const response = await this.options.client.send(
            new PutEventsCommand({ Entries: batch.map((item) => item.entry) }),
          );
          batch.forEach((item, index) => {
            const result = response.Entries?.[index];
            if (result?.EventId && !result.ErrorCode) {
              published += 1;
            } else if (result?.ErrorCode && RETRYABLE_ENTRY_CODES.has(result.ErrorCode) && attempt < this.maxAttempts) {
              retry.push(item);
            } else {
              failed.push({
                event: item.event,
                code: result?.ErrorCode ?? 'NoResult',
                message: result?.ErrorMessage ?? 'PutEvents returned no result for the entry',
              });
            }
          });
        } catch (error) {
          const code = error instanceof Error ? error.name : 'UnknownError';
          const message = error instanceof Error ? error.message : String(error);
          for (const item of batch) failed.push({ event: item.event, code, message });
        }
      }
      pending = retry;
    }
    return { published, failed, calls };
  }
}
