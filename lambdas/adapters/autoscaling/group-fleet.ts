import {
  AutoScalingClient,
  type AutoScalingClientConfig,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { DescribedGroups, GroupFleet } from '../../core/resources/ports';
import type { AutoScalingGroupResource, GroupSizes } from '../../core/resources/types';
import { SCHEDULE_TAG } from '../../core/scheduler/instance-facts';
import { awsClient } from '../aws-client';
import { type DescribedGroup, groupFrom } from './group-facts';

/** Page size of DescribeAutoScalingGroups (the API maximum). */
export const GROUP_PAGE_SIZE = 100;

/** Auto Scaling clients per region, created once and reused (adaptive retries). */
export function autoScalingClientFactory(
  config: Omit<AutoScalingClientConfig, 'region'> = {},
): (region: string) => AutoScalingClient {
  const clients = new Map<string, AutoScalingClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = awsClient(AutoScalingClient, { retryMode: 'adaptive', maxAttempts: 5, ...config, region });
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The {@link GroupFleet} port on the EC2 Auto Scaling API.
 * - `describe`: DescribeAutoScalingGroups filtered on the `Schedule` tag key (`tag-key` filter), `MaxRecords` 100,
 *   following `NextToken`; untagged groups are never described.
 * - `updateSizes`: UpdateAutoScalingGroup with MinSize, DesiredCapacity and MaxSize; errors thrown unchanged.
 * IAM: autoscaling:DescribeAutoScalingGroups (no resource-level permissions); autoscaling:UpdateAutoScalingGroup
 * conditioned on `aws:ResourceTag/Schedule` (Auto Scaling supports `autoscaling:ResourceTag/<key>` too).
 */
export class AutoScalingGroupFleet implements GroupFleet {
  private readonly clientFor: (region: string) => AutoScalingClient;

  constructor(clientFor: (region: string) => AutoScalingClient = autoScalingClientFactory()) {
    this.clientFor = clientFor;
  }

  async describe(region: string): Promise<DescribedGroups> {
    const client = this.clientFor(region);
    const groups: AutoScalingGroupResource[] = [];
    const errors: string[] = [];
    let calls = 0;
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeAutoScalingGroupsCommand({
          Filters: [{ Name: 'tag-key', Values: [SCHEDULE_TAG] }],
          MaxRecords: GROUP_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      calls += 1;
      for (const group of page.AutoScalingGroups ?? []) {
        const result = groupFrom(group as DescribedGroup, region);
        if (result.ok) groups.push(result.resource);
        else errors.push(result.error);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return { groups, errors, calls };
  }

  async updateSizes(region: string, name: string, sizes: GroupSizes): Promise<void> {
    await this.clientFor(region).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: sizes.min,
        DesiredCapacity: sizes.desired,
        MaxSize: sizes.max,
      }),
    );
  }
}
