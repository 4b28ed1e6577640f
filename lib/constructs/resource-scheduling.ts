import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  SCHEDULING_ACTION_DETAIL_TYPE,
  SCHEDULING_ERROR_DETAIL_TYPE,
  SCHEDULING_EVENT_SOURCE,
} from '../../lambdas/contract';
import { grantResourceScheduling } from '../iam/resource-scheduling';
import type { ProductFunction } from './product-function';

/** Props of {@link ResourceScheduling}: the `resources` configuration the CDK app needs. */
export interface ResourceSchedulingProps {
  /** The scheduler function. */
  readonly scheduler: ProductFunction;
  readonly managedRegions: readonly string[];
  /** `resources.informationTags`. */
  readonly informationTags: boolean;
  /** `resources.notifications`; absent: no topic. */
  readonly notifications?: {
    readonly severities: readonly ('info' | 'warning' | 'error')[];
    readonly emails: readonly string[];
  };
}

/**
 * RDS, Aurora and Auto Scaling scheduling in the control plane (docs/resources.md): the scheduler's permissions
 * (lib/iam/resource-scheduling.ts) and, with `resources.notifications`, an SNS topic (KMS-encrypted, HTTPS only) fed
 * by an EventBridge rule on the product's bus that matches the scheduling events of the configured severities.
 * Subscribe e-mail addresses in the configuration, or AWS Chatbot (Amazon Q Developer in chat applications) to the
 * topic: the events are EventBridge events, which Chatbot formats.
 */
export class ResourceScheduling extends Construct {
  /** The notification topic, when configured. */
  readonly topic?: sns.Topic;
  readonly rule?: events.Rule;

  constructor(scope: Construct, id: string, props: ResourceSchedulingProps) {
    super(scope, id);
    grantResourceScheduling(props.scheduler, {
      regions: props.managedRegions,
      informationTags: props.informationTags,
    });
    if (!props.notifications) return;
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the carbon-aware-scheduler scheduling notification topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'carbon-aware-scheduler scheduling actions and errors',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.notifications.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.rule = new events.Rule(this, 'Rule', {
      description: `Scheduling events of severity ${props.notifications.severities.join(', ')} to the notification topic`,
      eventPattern: {
        source: [SCHEDULING_EVENT_SOURCE],
        detailType: [SCHEDULING_ACTION_DETAIL_TYPE, SCHEDULING_ERROR_DETAIL_TYPE],
        detail: { severity: [...props.notifications.severities] },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });
  }
}
