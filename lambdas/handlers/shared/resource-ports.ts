import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AutoScalingGroupFleet } from '../../adapters/autoscaling/group-fleet';
import { DynamoResourceStateStore } from '../../adapters/dynamodb/resource-state-store';
import { EventBridgeSchedulingEventPublisher } from '../../adapters/eventbridge/scheduling-event-publisher';
import { RdsDatabaseFleet } from '../../adapters/rds/db-fleet';
import { AwsInformationTagger } from '../../adapters/rds/information-tagger';
import { HOME_EVENT_BUS_ARN_ENV } from '../../contract';
import type { Config } from '../../core/config/schema';
import { snapshotRdsPriceBook } from '../../core/resources/accounting';
import type { ResourcePorts } from '../../core/resources/run-resources';
import type { Environment } from './environment';

/**
 * The scheduler's ports for RDS DB instances, DB clusters and Auto Scaling groups (docs/resources.md): the RDS and
 * Auto Scaling fleets, their state in the table, the bundled RDS prices, the publisher of the action events on the
 * product's bus, and the informational tagger with `resources.informationTags`.
 *
 * Wired only when `HOME_EVENT_BUS_ARN` is set: the CDK app sets it together with the RDS, Auto Scaling and PutEvents
 * permissions (lib/iam/resource-scheduling.ts), so a function without them (an older deployment, a local run, a
 * unit test) schedules EC2 instances only and never calls RDS or Auto Scaling.
 */
export function resourcePortsFromEnvironment(
  env: Environment,
  doc: DynamoDBDocumentClient,
  tableName: string,
  config: Config,
): ResourcePorts | undefined {
  const busArn = env[HOME_EVENT_BUS_ARN_ENV];
  if (!busArn) return undefined;
  const arn = busArn.split(':');
  const busRegion = arn?.[3];
  const accountId = arn?.[4];
  return {
    databases: new RdsDatabaseFleet(),
    groups: new AutoScalingGroupFleet(),
    resourceStates: new DynamoResourceStateStore(doc, tableName),
    rdsPrices: snapshotRdsPriceBook(),
    ...(busRegion
      ? {
          events: new EventBridgeSchedulingEventPublisher({
            client: new EventBridgeClient({ region: busRegion }),
            eventBusName: busArn,
          }),
        }
      : {}),
    ...(accountId ? { accountId } : {}),
    ...(config.resources.informationTags ? { informationTagger: new AwsInformationTagger() } : {}),
  };
}
