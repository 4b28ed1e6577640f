import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Statement id of the topic policy statement that lets CloudWatch alarms publish. */
export const ALARM_PUBLISH_SID = 'AllowCloudWatchAlarmsOfThisAccountToPublish';

/**
 * The alarm topic (docs/security.md, "Alarm topics"): encrypted with a customer-managed KMS key (rotated yearly)
 * whose policy lets CloudWatch alarms use it (alarms cannot use the AWS managed `alias/aws/sns` key, whose policy does
 * not admit cloudwatch.amazonaws.com), HTTPS-only (`enforceSSL`), with the configured e-mail subscriptions.
 *
 * A topic policy replaces SNS's default policy, so it must say who may publish: `cloudwatch.amazonaws.com`, only for
 * alarms of this account (`aws:SourceAccount`) and of this region (`aws:SourceArn` like
 * `arn:<partition>:cloudwatch:<region>:<account>:alarm:*`), which also stops the confused-deputy case of another
 * account's alarm naming this topic. Exported for worker stacks, whose alarms need a topic in their own region.
 */
export function alarmTopic(scope: Construct, emails: readonly string[]): sns.Topic {
  const stack = Stack.of(scope);
  const alarmArns = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const fromThisAccountsAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': alarmArns },
  };
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the carbon-aware-scheduler alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy "*" is the key itself.
      resources: ['*'],
      conditions: fromThisAccountsAlarms,
    }),
  );
  // Worker stacks' alarms reach this topic through EventBridge (an SNS target on the home bus), which needs the key
  // too; only for this account's events.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishWorkerAlarms',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'carbon-aware-scheduler alarms',
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: ALARM_PUBLISH_SID,
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccountsAlarms,
    }),
  );
  for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}
