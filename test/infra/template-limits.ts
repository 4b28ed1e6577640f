import { METRICS, type MetricName } from '../../lambdas/contract';
import type { Config } from '../../lib/config';

/**
 * AWS limits a synthesized template must respect, and how to measure them on the template. Sources:
 * - CloudFormation quotas (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 *   500 resources and 200 outputs per stack; a template passed inline (`TemplateBody`) ≤ 51,200 bytes, one read from
 *   S3 (`TemplateURL`, which the CDK CLI uses through the bootstrap bucket for larger templates) ≤ 1 MB;
 * - Lambda quotas: 4 KB for all of a function's environment variables, measured as the JSON of the variables map;
 * - IAM quotas: the inline policies of a role together ≤ 10,240 characters, white space not counted; a role's trust
 *   policy ≤ 2,048 characters by default;
 * - CloudWatch quotas: an alarm's metric math reads at most 10 metrics, and PutMetricAlarm takes at most 20
 *   `MetricDataQuery` entries; a dashboard holds up to 500 widgets, 500 metrics per widget and 2,500 metrics across
 *   all widgets, counting the metrics read by metric math (and so every series a SEARCH returns). CloudWatch
 *   documents no separate size limit for a dashboard body; it counts against the template size.
 */
export const LIMITS = {
  resourcesPerStack: 500,
  outputsPerStack: 200,
  templateBodyInlineBytes: 51_200,
  templateBodyS3Bytes: 1024 * 1024,
  lambdaEnvironmentBytes: 4 * 1024,
  roleInlinePolicyChars: 10_240,
  roleTrustPolicyChars: 2_048,
  alarmMetricsPerExpression: 10,
  alarmMetricDataQueries: 20,
  dashboardWidgets: 500,
  metricsPerWidget: 500,
  metricsPerDashboard: 2_500,
} as const;

/**
 * Length assumed for a value CloudFormation fills in at deploy time (a `Ref` or `Fn::GetAtt` of a resource of the
 * stack): more than any name or ARN CloudFormation generates for these resources (a generated table name is about
 * 66 characters, a log group ARN about 125, role names are cut at 64), so the measured sizes are upper bounds.
 */
export const DEPLOY_TIME_VALUE_CHARS = 256;

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': '123456789012',
  // The longest commercial region code known to the product.
  'AWS::Region': 'ap-southeast-7',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'CarbonAwareScheduler-Worker-ap-southeast-7',
};

/**
 * Resolve CloudFormation intrinsics in a property value to a string of at least the deployed length: pseudo
 * parameters to their (longest) values, resource references to {@link DEPLOY_TIME_VALUE_CHARS} characters,
 * `Fn::Join` by joining. Unknown intrinsics fail the test rather than be measured wrongly.
 */
export function resolveValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveValue);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref') return PSEUDO[arg as string] ?? 'x'.repeat(DEPLOY_TIME_VALUE_CHARS);
    if (key === 'Fn::GetAtt') return 'x'.repeat(DEPLOY_TIME_VALUE_CHARS);
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((part) => String(resolveValue(part))).join(separator);
    }
    if (key.startsWith('Fn::')) throw new Error(`resolveValue: intrinsic ${key} is not measured`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v)]));
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A CloudFormation template as JSON. */
export interface TemplateJson {
  readonly Resources: Record<string, Resource>;
  readonly Outputs?: Record<string, unknown>;
}

/** Size of each function's environment as Lambda measures it: the JSON of its `Variables` map, bytes. */
export function lambdaEnvironmentBytes(template: TemplateJson): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
    sizes[id] = Buffer.byteLength(JSON.stringify(resolveValue(variables)));
  }
  return sizes;
}

const policyChars = (document: unknown): number => JSON.stringify(resolveValue(document)).replace(/\s/g, '').length;

/**
 * Characters of all inline policies of each role (white space not counted, as IAM counts): the role's own `Policies`
 * plus every `AWS::IAM::Policy` of the template attached to it; and the size of its trust policy.
 */
export function rolePolicySizes(template: TemplateJson): Record<string, { inline: number; trust: number }> {
  const sizes: Record<string, { inline: number; trust: number }> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const own = (resource.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? [];
    sizes[id] = {
      inline: own.reduce((sum, policy) => sum + policyChars(policy.PolicyDocument), 0),
      trust: policyChars(resource.Properties?.AssumeRolePolicyDocument),
    };
  }
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    for (const role of roles) {
      const entry = role.Ref ? sizes[role.Ref] : undefined;
      if (!entry)
        throw new Error(`rolePolicySizes: policy attached to a role outside the template: ${JSON.stringify(role)}`);
      entry.inline += policyChars(resource.Properties?.PolicyDocument);
    }
  }
  return sizes;
}

/** Per alarm: metrics it reads (`MetricStat` entries; 1 for a single-metric alarm) and its `MetricDataQuery` count. */
export function alarmMetricCounts(template: TemplateJson): Record<string, { metrics: number; queries: number }> {
  const counts: Record<string, { metrics: number; queries: number }> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const queries = resource.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    counts[id] = queries
      ? { metrics: queries.filter((q) => q.MetricStat !== undefined).length, queries: queries.length }
      : { metrics: 1, queries: 0 };
  }
  return counts;
}

/** The dashboard body of a template as JSON, deploy-time values replaced by placeholders. */
export function dashboardBody(template: TemplateJson): {
  widgets: { type: string; properties: Record<string, unknown> }[];
} {
  const dashboards = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  const body = dashboards[0]!.Properties?.DashboardBody;
  const text =
    typeof body === 'string'
      ? body
      : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
          .join('');
  return JSON.parse(text);
}

/** How many values each dimension of a product metric can take in a deployment of `config`. */
export function dimensionCardinality(config: Config, metric: MetricName, dimension: string): number {
  const regions: Record<string, number> = {
    'carbon-fetcher': config.carbonRegions.length,
    scheduler: config.managedRegions.length,
    rightsizer: config.managedRegions.length,
    dispatcher: config.workerRegions.length,
    'dispatch-outcome-recorder': config.workerRegions.length,
  };
  switch (dimension) {
    case 'Region':
      return regions[METRICS[metric].service]!;
    case 'Action':
      return 4; // start, stop, resize, describe (lambdas/core/scheduler/metrics.ts)
    case 'State':
      return 2; // running, stopped
    case 'Period':
      return 3; // Today, Month, Total
    case 'Outcome':
      return 2; // ok, error
    case 'Provider':
      return config.carbon.providers.filter((p) => p !== 'static').length;
    default:
      throw new Error(`dimensionCardinality: no rule for dimension ${dimension} of ${metric}`);
  }
}

/**
 * Metrics a widget reads: 1 per metric line (hidden ones included: they are read for metric math), the most series
 * a product SEARCH can return (the product of its dimensions' cardinalities), 0 for other math expressions.
 */
export function widgetMetricCount(config: Config, metrics: unknown[][]): number {
  let count = 0;
  for (const line of metrics) {
    const head = line[0];
    if (head !== null && typeof head === 'object' && 'expression' in head) {
      const expression = String((head as { expression: string }).expression);
      const search = /SEARCH\('\{([^}]+)\} MetricName="([A-Za-z]+)"'/.exec(expression);
      if (!search) continue;
      const [, braces, name] = search;
      const dimensions = braces!
        .split(',')
        .slice(1)
        .filter((d) => d !== 'service');
      count += dimensions.reduce((n, d) => n * dimensionCardinality(config, name as MetricName, d), 1);
    } else {
      count += 1;
    }
  }
  return count;
}
