import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addProductStacks } from '../lib/app';
import { resolveConfig } from '../lib/config';
import { repositoryRoot } from '../lib/paths';

/** What a deployment's templates create that CloudWatch and KMS bill by the month, counted from `cdk synth`. */
export interface DeploymentInventory {
  /** Metrics the alarms evaluate (an alarm on one metric counts 1; a metric-math alarm counts each metric it reads). */
  readonly alarmMetrics: number;
  readonly alarms: number;
  /** Customer-managed KMS keys ($1 a month each). */
  readonly kmsKeys: number;
  readonly dashboards: number;
  /** Logs Insights widgets on the dashboards, with the log group (logical id) each reads. */
  readonly logQueryWidgets: number;
  /** Logs Insights widgets per function (the `service` of the log group they read). */
  readonly logQueryWidgetsByService: Readonly<Record<string, number>>;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * Synthesize the product's stacks for `configInput` (no bundling: templates only) and count what they create:
 * alarm metrics, KMS keys, dashboards and Logs Insights widgets. The running-cost bench prices these counts, so the
 * model cannot drift from what `cdk deploy` creates.
 */
export function deploymentInventory(configInput: unknown): DeploymentInventory {
  const context = (
    JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const configDir = mkdtempSync(join(tmpdir(), 'bench-inventory-'));
  try {
    addProductStacks(app, resolveConfig(configInput, 'bench'), '123456789012', { configDir });
    const assembly = app.synth();
    let alarmMetrics = 0;
    let alarms = 0;
    let kmsKeys = 0;
    let dashboards = 0;
    let logQueryWidgets = 0;
    const byService: Record<string, number> = {};
    for (const stack of assembly.stacks) {
      const resources = (stack.template as { Resources: Record<string, Resource> }).Resources;
      const serviceOfLogGroup = new Map<string, string>();
      for (const resource of Object.values(resources)) {
        if (resource.Type !== 'AWS::Lambda::Function') continue;
        const env = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        const logGroup = (resource.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup
          ?.Ref;
        if (logGroup && typeof env?.POWERTOOLS_SERVICE_NAME === 'string') {
          serviceOfLogGroup.set(logGroup, env.POWERTOOLS_SERVICE_NAME);
        }
      }
      for (const resource of Object.values(resources)) {
        if (resource.Type === 'AWS::CloudWatch::Alarm') {
          alarms += 1;
          const metrics = resource.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
          alarmMetrics += resource.Properties?.MetricName ? 1 : (metrics ?? []).filter((m) => m.MetricStat).length;
        } else if (resource.Type === 'AWS::KMS::Key') {
          kmsKeys += 1;
        } else if (resource.Type === 'AWS::CloudWatch::Dashboard') {
          dashboards += 1;
          const body = JSON.stringify(resource.Properties?.DashboardBody);
          for (const match of body.matchAll(/\\"type\\":\\"log\\"[\s\S]*?(?=\\"type\\":|$)/g)) {
            logQueryWidgets += 1;
            const refs = [...match[0].matchAll(/"Ref":"([A-Za-z0-9]+)"/g)].map((m) => m[1]!);
            for (const ref of new Set(refs)) {
              const service = serviceOfLogGroup.get(ref);
              if (service) byService[service] = (byService[service] ?? 0) + 1;
            }
          }
        }
      }
    }
    return { alarmMetrics, alarms, kmsKeys, dashboards, logQueryWidgets, logQueryWidgetsByService: byService };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
