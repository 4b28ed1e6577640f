import { type AutoScalingClient, CreateOrUpdateTagsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { AddTagsToResourceCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { InformationTagger } from '../../core/resources/ports';
import type { ResourceType } from '../../core/resources/types';
import { autoScalingClientFactory } from '../autoscaling/group-fleet';
import { ec2ClientFactory } from '../ec2/fleet';
import { rdsClientFactory } from './db-fleet';

/**
 * The {@link InformationTagger} port: RDS AddTagsToResource (by the DB instance's or cluster's ARN) and Auto Scaling
 * CreateOrUpdateTags (not propagated at launch), EC2 CreateTags. Errors are thrown unchanged.
 * IAM (only with `resources.informationTags`): rds:AddTagsToResource, autoscaling:CreateOrUpdateTags, ec2:CreateTags,
 * each limited to the informational tag keys (lib/iam/resource-scheduling.ts).
 */
export class AwsInformationTagger implements InformationTagger {
  constructor(
    private readonly rdsFor: (region: string) => RDSClient = rdsClientFactory(),
    private readonly autoScalingFor: (region: string) => AutoScalingClient = autoScalingClientFactory(),
    private readonly ec2For: (region: string) => EC2Client = ec2ClientFactory(),
  ) {}

  async tag(
    resource: { readonly type: ResourceType; readonly id: string; readonly region: string; readonly arn?: string },
    tags: Readonly<Record<string, string>>,
  ): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length === 0) return;
    if (resource.type === 'rds-instance' || resource.type === 'rds-cluster') {
      if (!resource.arn) throw new Error(`${resource.id}: no ARN described, so it cannot be tagged`);
      await this.rdsFor(resource.region).send(
        new AddTagsToResourceCommand({
          ResourceName: resource.arn,
          Tags: entries.map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return;
    }
    if (resource.type === 'ec2-instance') {
      await this.ec2For(resource.region).send(
        new CreateTagsCommand({ Resources: [resource.id], Tags: entries.map(([Key, Value]) => ({ Key, Value })) }),
      );
      return;
    }
    if (resource.type === 'autoscaling-group') {
      await this.autoScalingFor(resource.region).send(
        new CreateOrUpdateTagsCommand({
          Tags: entries.map(([Key, Value]) => ({
            ResourceId: resource.id,
            ResourceType: 'auto-scaling-group',
            Key,
            Value,
            PropagateAtLaunch: false,
          })),
        }),
      );
    }
  }
}
