import { groupState } from '../../core/resources/state';
import type { AutoScalingGroupResource, GroupInstance } from '../../core/resources/types';
import { regionOfAvailabilityZone } from '../ec2/instance-facts';
import { arnParts } from '../rds/db-facts';

/**
 * Mapping of the DescribeAutoScalingGroups shape (SDK v3 objects, or the JSON `aws autoscaling
 * describe-auto-scaling-groups` prints) to the resource model. Structural types only: no SDK import.
 */

/** The fields of an `AutoScalingGroup` the scheduler reads. */
export interface DescribedGroup {
  readonly AutoScalingGroupName?: string;
  readonly AutoScalingGroupARN?: string;
  readonly MinSize?: number;
  readonly MaxSize?: number;
  readonly DesiredCapacity?: number;
  readonly Status?: string;
  readonly AvailabilityZones?: readonly string[];
  readonly Instances?: readonly {
    readonly InstanceId?: string;
    readonly InstanceType?: string;
    readonly LifecycleState?: string;
  }[];
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}

/** A describe-auto-scaling-groups document that does not have the expected shape. */
export class GroupDocumentError extends Error {
  constructor(detail: string) {
    super(
      `not a describe-auto-scaling-groups document: ${detail}; expected the JSON printed by "aws autoscaling ` +
        'describe-auto-scaling-groups" ({"AutoScalingGroups": [{"AutoScalingGroupName": ..., "MinSize": ..., ' +
        '"DesiredCapacity": ..., "MaxSize": ..., "Instances": [...], "Tags": [...]}]})',
    );
    this.name = 'GroupDocumentError';
  }
}

const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * Convert one described group.
 * @param region the region of the API call; when undefined it comes from the ARN or the first Availability Zone
 */
export function groupFrom(
  described: DescribedGroup,
  region?: string,
): { ok: true; resource: AutoScalingGroupResource } | { ok: false; error: string } {
  const name = described.AutoScalingGroupName;
  if (typeof name !== 'string' || name === '') return { ok: false, error: 'a group has no AutoScalingGroupName' };
  for (const field of ['MinSize', 'DesiredCapacity', 'MaxSize'] as const) {
    if (!isSize(described[field])) {
      return { ok: false, error: `${name}: ${field} ${JSON.stringify(described[field])} is not a whole number ≥ 0` };
    }
  }
  const fromArn = arnParts(described.AutoScalingGroupARN);
  const zone = Array.isArray(described.AvailabilityZones) ? described.AvailabilityZones[0] : undefined;
  const resolved = region ?? fromArn.region ?? (typeof zone === 'string' ? regionOfAvailabilityZone(zone) : undefined);
  if (resolved === undefined) {
    return { ok: false, error: `${name}: neither AutoScalingGroupARN nor AvailabilityZones names a region` };
  }
  if (described.Tags !== undefined && !Array.isArray(described.Tags)) {
    return { ok: false, error: `${name}: Tags is not a list of {"Key": ..., "Value": ...} objects` };
  }
  const tags: Record<string, string> = {};
  for (const tag of described.Tags ?? []) {
    if (typeof tag !== 'object' || tag === null) return { ok: false, error: `${name}: Tags holds a non-object entry` };
    if (typeof tag.Key === 'string') tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  if (described.Instances !== undefined && !Array.isArray(described.Instances)) {
    return { ok: false, error: `${name}: Instances is not a list` };
  }
  const instances: GroupInstance[] = (described.Instances ?? []).flatMap((instance) =>
    typeof instance?.InstanceId === 'string'
      ? [
          {
            id: instance.InstanceId,
            ...(typeof instance.InstanceType === 'string' ? { instanceType: instance.InstanceType } : {}),
            lifecycleState: typeof instance.LifecycleState === 'string' ? instance.LifecycleState : 'unknown',
          },
        ]
      : [],
  );
  const sizes = { min: described.MinSize!, desired: described.DesiredCapacity!, max: described.MaxSize! };
  const status = typeof described.Status === 'string' && described.Status !== '' ? described.Status : 'active';
  return {
    ok: true,
    resource: {
      type: 'autoscaling-group',
      id: name,
      ...(typeof described.AutoScalingGroupARN === 'string' ? { arn: described.AutoScalingGroupARN } : {}),
      region: resolved,
      ...(fromArn.accountId ? { accountId: fromArn.accountId } : {}),
      tags,
      status,
      state: groupState(sizes, instances, described.Status),
      sizes,
      instances,
    },
  };
}

/**
 * Every group of a describe-auto-scaling-groups document, in order.
 * @throws {GroupDocumentError} when the document has no `AutoScalingGroups` array
 */
export function groupsFromDocument(document: unknown): { resources: AutoScalingGroupResource[]; errors: string[] } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new GroupDocumentError('the top level is not an object');
  }
  const list = (document as { AutoScalingGroups?: unknown }).AutoScalingGroups;
  if (!Array.isArray(list)) throw new GroupDocumentError('"AutoScalingGroups" is missing or not an array');
  const resources: AutoScalingGroupResource[] = [];
  const errors: string[] = [];
  list.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`AutoScalingGroups[${index}] is not an object`);
      return;
    }
    const result = groupFrom(entry as DescribedGroup);
    if (result.ok) resources.push(result.resource);
    else errors.push(result.error);
  });
  return { resources, errors };
}
