import { SCHEDULE_OVERRIDE_TAG, SCHEDULE_TAG } from '../schedule/tags';
import type { InstanceLifecycleState } from '../schedule/types';

/** The EC2 instance lifecycle state names (`State.Name` of DescribeInstances). */
export type Ec2StateName = InstanceLifecycleState;

/** Tag key that puts an instance under management (docs/schedules.md). */
export { SCHEDULE_TAG };
/** Tag key of a per-instance override (`running` | `stopped`, optionally `until <ISO>`). */
export const OVERRIDE_TAG = SCHEDULE_OVERRIDE_TAG;
/** Tag AWS puts on members of an Auto Scaling group; the group, not the scheduler, owns their lifecycle. */
export const ASG_TAG = 'aws:autoscaling:groupName';

/**
 * What the scheduler knows about one EC2 instance, independent of where it came from (DescribeInstances in the
 * Lambda, the JSON of `aws ec2 describe-instances` in the CLI).
 */
export interface InstanceFacts {
  readonly instanceId: string;
  /** AWS region code (from the API client in the Lambda, from `Placement.AvailabilityZone` in the CLI). */
  readonly region: string;
  readonly instanceType: string;
  readonly state: Ec2StateName;
  /** Tags as key → value (keys are case-sensitive, as in EC2). */
  readonly tags: Readonly<Record<string, string>>;
  /** ISO-8601 launch time, when known. */
  readonly launchTime?: string;
  /** `x86_64`, `arm64`, ... */
  readonly architecture?: string;
  /** True when the instance was launched with hibernation enabled (`HibernationOptions.Configured`). */
  readonly hibernationConfigured: boolean;
  /** `spot`, `scheduled` or `capacity-block`; undefined for on-demand. */
  readonly lifecycle?: string;
}

/** The Auto Scaling group of an instance, if it belongs to one. */
export function autoScalingGroupOf(facts: InstanceFacts): string | undefined {
  return facts.tags[ASG_TAG];
}
