import { type Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  DISPATCH_EVENT_SOURCE,
  JOB_COMPLETED_DETAIL_TYPE,
  JOB_EVENT_BUS_NAME,
  JOB_REQUESTED_DETAIL_TYPE,
} from '../../lambdas/contract';

/** Who may put which events on the job bus. */
export interface JobBusProps {
  /** Name pattern of the worker stacks' roles (`arn:<partition>:iam::<account>:role/<worker stack name>-*`). */
  readonly workerRoleArnPatterns: readonly string[];
  /** The dispatcher's role. */
  readonly dispatcherRole: iam.IRole;
  /** Roles the user names (config `dispatch.jobSubmitterRoleArns`) that may request jobs. */
  readonly submitterRoleArns: readonly string[];
}

/** The job bus's ARN in `region` of `stack`'s account, built from the stack's partition. */
export function jobBusArn(stack: Stack, region: string): string {
  return stack.formatArn({ service: 'events', region, resource: 'event-bus', resourceName: JOB_EVENT_BUS_NAME });
}

/**
 * The dedicated job bus (docs/security.md, "Jobs"). Its resource policy allows `events:PutEvents` only to principals
 * of this account whose ARN is a worker role (only `JobCompleted`), the dispatcher's role or a named submitter role
 * (only `JobRequested`), each conditioned on `events:source` and `events:detail-type`. The account's other
 * principals get no grant from the bus; identity policies elsewhere in the account can still allow PutEvents,
 * which is why the rules also match the account and the recorder checks every outcome against its decision.
 */
export function jobBus(scope: Construct, id: string, props: JobBusProps): events.EventBus {
  const bus = new events.EventBus(scope, id, {
    eventBusName: JOB_EVENT_BUS_NAME,
    description: 'carbon-aware-scheduler job requests and completions',
  });
  const account = bus.stack.account;
  const put = (sid: string, detailType: string, principalArns: readonly string[]) =>
    new iam.PolicyStatement({
      sid,
      principals: [new iam.AccountPrincipal(account)],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: {
        ArnLike: { 'aws:PrincipalArn': [...principalArns] },
        StringEquals: { 'events:source': DISPATCH_EVENT_SOURCE, 'events:detail-type': detailType },
      },
    });
  bus.addToResourcePolicy(put('WorkersReportCompletions', JOB_COMPLETED_DETAIL_TYPE, props.workerRoleArnPatterns));
  bus.addToResourcePolicy(
    put('NamedRolesRequestJobs', JOB_REQUESTED_DETAIL_TYPE, [
      props.dispatcherRole.roleArn,
      ...props.submitterRoleArns.filter((arn) => Token.isUnresolved(arn) || arn.length > 0),
    ]),
  );
  return bus;
}

/** The worker's identity statement: PutEvents on the job bus, only its own source and detail-type. */
export function workerPutEventsStatement(busArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReportJobCompletionsOnly',
    actions: ['events:PutEvents'],
    resources: [busArn],
    conditions: {
      StringEquals: { 'events:source': DISPATCH_EVENT_SOURCE, 'events:detail-type': JOB_COMPLETED_DETAIL_TYPE },
    },
  });
}
