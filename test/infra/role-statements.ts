import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole, Role } from 'aws-cdk-lib/aws-iam';

/** One IAM statement as synthesized. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of the inline policies attached to `role` in `template`. */
export function roleStatements(template: Template, role: Role): Statement[] {
  const logicalId = Stack.of(role).getLogicalId(role.node.defaultChild as CfnRole);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((ref) => ref.Ref === logicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The actions of a statement as a list. */
export const actionsOf = (statement: Statement): string[] => ([] as string[]).concat(statement.Action);

/** The resources of a statement as a list (tokens stay objects). */
export const resourcesOf = (statement: Statement): unknown[] => ([] as unknown[]).concat(statement.Resource);

/** Every action a role is allowed, sorted and unique. */
export function allowedActions(template: Template, role: Role): string[] {
  return [
    ...new Set(
      roleStatements(template, role)
        .filter((s) => s.Effect === 'Allow')
        .flatMap(actionsOf),
    ),
  ].sort();
}

/**
 * Every action allowed on `Resource: "*"` in `template`, by the logical id of the role it is granted to.
 */
export function wildcardActionsByRole(template: Template): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  for (const policy of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow' || !resourcesOf(statement).includes('*')) continue;
      for (const role of policy.Properties.Roles) {
        out[role.Ref] ??= new Set();
        for (const action of actionsOf(statement)) out[role.Ref]!.add(action);
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([role, actions]) => [role, [...actions].sort()]));
}
