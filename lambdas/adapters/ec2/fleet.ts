import {
  DescribeInstancesCommand,
  EC2Client,
  type EC2ClientConfig,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { SCHEDULE_TAG } from '../../core/scheduler/instance-facts';
import type { DescribedFleet, Fleet } from '../../core/scheduler/ports';
import { withoutSdkLogFilter } from '../sdk-client';
import { type DescribedInstance, instanceFactsFrom } from './instance-facts';

/** Page size of DescribeInstances (the API maximum). */
export const DESCRIBE_PAGE_SIZE = 1000;

/** Instance states the scheduler looks at; terminated and shutting-down instances are never described. */
export const DESCRIBED_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

/**
 * EC2 clients per region, created once and reused (module scope in the Lambda): adaptive retry mode so the SDK
 * slows down on `RequestLimitExceeded` instead of failing the batch, and a few more attempts than the default 3.
 */
export function ec2ClientFactory(config: Omit<EC2ClientConfig, 'region'> = {}): (region: string) => EC2Client {
  const clients = new Map<string, EC2Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = withoutSdkLogFilter(new EC2Client({ retryMode: 'adaptive', maxAttempts: 5, ...config, region }), config);
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The {@link Fleet} port on the EC2 API.
 * - `describe`: DescribeInstances filtered on the `Schedule` tag key and the states pending/running/stopping/stopped,
 *   `MaxResults` 1000, following `NextToken`. Never unfiltered, so untagged instances are never even described.
 * - `start` / `stop` / `modifyInstanceType`: one API call each; errors are thrown unchanged (the SDK's `name` is the
 *   AWS error code, e.g. `InsufficientInstanceCapacity`), the core batches and bisects.
 * IAM: ec2:DescribeInstances; ec2:StartInstances, ec2:StopInstances and ec2:ModifyInstanceAttribute conditioned on
 * `aws:ResourceTag/Schedule` existing; kms:CreateGrant on customer-managed EBS keys (encrypted volumes on start).
 */
export class Ec2Fleet implements Fleet {
  private readonly clientFor: (region: string) => EC2Client;

  constructor(clientFor: (region: string) => EC2Client = ec2ClientFactory()) {
    this.clientFor = clientFor;
  }

  async describe(region: string): Promise<DescribedFleet> {
    const client = this.clientFor(region);
    const instances: DescribedFleet['instances'] = [];
    const errors: string[] = [];
    let calls = 0;
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag-key', Values: [SCHEDULE_TAG] },
            { Name: 'instance-state-name', Values: [...DESCRIBED_STATES] },
          ],
          MaxResults: DESCRIBE_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      calls += 1;
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const result = instanceFactsFrom(instance as DescribedInstance, region);
          if (result.ok) instances.push(result.facts);
          else errors.push(result.error);
        }
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return { instances, errors, calls };
  }

  async start(region: string, instanceIds: readonly string[]): Promise<void> {
    await this.clientFor(region).send(new StartInstancesCommand({ InstanceIds: [...instanceIds] }));
  }

  async stop(region: string, instanceIds: readonly string[], options: { readonly hibernate: boolean }): Promise<void> {
    await this.clientFor(region).send(
      new StopInstancesCommand({ InstanceIds: [...instanceIds], ...(options.hibernate ? { Hibernate: true } : {}) }),
    );
  }

  async modifyInstanceType(region: string, instanceId: string, instanceType: string): Promise<void> {
    await this.clientFor(region).send(
      new ModifyInstanceAttributeCommand({ InstanceId: instanceId, InstanceType: { Value: instanceType } }),
    );
  }
}
