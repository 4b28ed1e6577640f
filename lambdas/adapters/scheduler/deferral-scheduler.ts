import { CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DeferralRequest, DeferralScheduler } from '../../core/dispatch/ports';

/** A deferral schedule could not be created or removed. */
export class DeferralScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeferralScheduleError';
  }
}

/** Options of {@link EventBridgeDeferralScheduler}. */
export interface EventBridgeDeferralSchedulerOptions {
  readonly client: SchedulerClient;
  /** Schedule group (env `DISPATCH_SCHEDULE_GROUP`). */
  readonly groupName: string;
  /** Role EventBridge Scheduler assumes to invoke the target (env `DISPATCH_SCHEDULER_ROLE_ARN`). */
  readonly roleArn: string;
  /** The dispatcher's function ARN. */
  readonly targetArn: string;
}

/**
 * The `at()` expression of a one-time schedule in UTC: `at(yyyy-mm-ddThh:mm:ss)` (EventBridge Scheduler user guide,
 * "Schedule types": one-time schedules). Fractions of a second are dropped.
 */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/**
 * Deferrals as one-time EventBridge Scheduler schedules: at the chosen time the scheduler invokes the dispatcher
 * (templated Lambda target) with the re-submission request as its event, then deletes the schedule
 * (`ActionAfterCompletion: DELETE`). No flexible window: the slot was chosen for its time.
 */
export class EventBridgeDeferralScheduler implements DeferralScheduler {
  constructor(private readonly options: EventBridgeDeferralSchedulerOptions) {}

  /** @throws {DeferralScheduleError} naming the AWS error (e.g. ConflictException: a schedule with the name exists) */
  async schedule(deferral: DeferralRequest): Promise<void> {
    try {
      await this.options.client.send(
        new CreateScheduleCommand({
          Name: deferral.name,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(deferral.at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Description: deferral.description.slice(0, 512),
          Target: {
            Arn: this.options.targetArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify(deferral.request),
          },
        }),
      );
    } catch (error) {
      throw new DeferralScheduleError(
        `schedule ${deferral.name} in group ${this.options.groupName}: ${describe(error)}`,
      );
    }
  }

  /** Remove a schedule; one that no longer exists counts as removed. @throws {DeferralScheduleError} otherwise */
  async cancel(name: string): Promise<void> {
    try {
      await this.options.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
      throw new DeferralScheduleError(
        `deleting schedule ${name} in group ${this.options.groupName}: ${describe(error)}`,
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
