import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../lambdas/contract';

/**
 * The product's single DynamoDB table (keys and item types: docs/data-model.md): on-demand capacity,
 * point-in-time recovery, encryption with the AWS managed KMS key, a TTL attribute, deletion protection, and
 * RETAIN so `cdk destroy` never deletes the history of decisions and savings. No physical name: CloudFormation
 * names it, so two deployments in one account never collide.
 *
 * A classic `AWS::DynamoDB::Table`, not `TableV2` (`AWS::DynamoDB::GlobalTable`): the product has one table in one
 * region and needs no replicas, and the classic resource is the one every CloudFormation implementation supports,
 * including the emulated account the integration tests deploy into (docs/design-decisions.md).
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
