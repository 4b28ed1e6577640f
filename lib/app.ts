import { type App, Aspects, type Environment } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SCHEDULE_TAG } from '../lambdas/contract';
import { type Config, resizeScope } from '../lambdas/core/config/schema';
import { writeFunctionConfig } from './function-config';
import { controlPlaneStackName, workerStackName } from './naming';
import { ControlPlaneStack } from './stacks/control-plane-stack';
import { WorkerStack } from './stacks/worker-stack';

export interface ProductStacks {
  readonly controlPlane: ControlPlaneStack;
  readonly workers: WorkerStack[];
}

/**
 * Add the product's stacks to `app`: one control plane in `config.homeRegion` and one worker stack per
 * `config.workerRegions` entry, each with an explicit environment.
 *
 * The configuration reaches the Lambdas inside their code assets (`config.json`, lib/function-config.ts), so its size
 * is not limited by Lambda's 4 KB of environment variables.
 *
 * @param account the target account, or undefined for environment-agnostic synthesis (offline)
 * @param options.configDir where the configuration file for the assets is written (default: the OS temp directory)
 */
export function addProductStacks(
  app: App,
  config: Config,
  account: string | undefined,
  options: { configDir?: string } = {},
): ProductStacks {
  const env = (region: string): Environment => ({ account, region });
  const logRetention = config.logRetentionDays as logs.RetentionDays;
  const configFile = writeFunctionConfig(config, options.configDir);
  const controlPlane = new ControlPlaneStack(app, controlPlaneStackName, {
    env: env(config.homeRegion),
    description: 'carbon-aware-scheduler control plane: carbon data, EC2 scheduling, rightsizing, dispatch',
    configFile,
    metricsNamespace: config.metricsNamespace,
    logRetention,
    managedRegions: config.managedRegions,
    workerRegions: config.workerRegions,
    fetchIntervalMinutes: config.carbon.fetchIntervalMinutes,
    schedulingIntervalMinutes: config.schedulingIntervalMinutes,
    providerSecrets: Object.values(config.carbon.secrets).filter((s): s is string => typeof s === 'string'),
    ebsKmsKeyArns: config.ebsKmsKeyArns,
    rightsizingEnabled: config.rightsizing.enabled,
    resizeScope: resizeScope(config),
    scheduleTagKey: SCHEDULE_TAG,
    carbonRegions: config.carbonRegions.map((region) => ({
      region,
      thresholdGCO2ePerKWh: config.thresholdFor(region),
    })),
    maxDataAgeMinutes: config.carbon.maxDataAgeMinutes,
    liveCarbonRegions: liveCarbonRegions(config),
    alarmEmails: config.alarms.emails,
    runbookUrl: config.alarms.runbookUrl,
    resources: {
      informationTags: config.resources.informationTags,
      ...(config.resources.notifications ? { notifications: config.resources.notifications } : {}),
    },
    jobSubmitterRoleArns: config.dispatch.jobSubmitterRoleArns,
    workerStackNameFor: workerStackName,
  });
  const workers = config.workerRegions.map(
    (region) =>
      new WorkerStack(app, workerStackName(region), {
        env: env(region),
        description: `carbon-aware-scheduler worker in ${region}`,
        homeRegion: config.homeRegion,
        metricsNamespace: config.metricsNamespace,
        logRetention,
        alarmEmails: config.alarms.emails,
      }),
  );
  return { controlPlane, workers };
}

/**
 * Regions that can get live carbon data with this configuration: every region when an Electricity Maps or
 * WattTime secret is configured (and the provider is enabled), and eu-west-2 when the keyless UK Carbon Intensity
 * API is enabled. Only these get a "carbon data stale" alarm: a static-only region has no age to watch.
 */
export function liveCarbonRegions(config: Config): string[] {
  const providers = config.carbon.providers;
  const keyed =
    (providers.includes('electricitymaps') && config.carbon.secrets.electricitymaps !== undefined) ||
    (providers.includes('watttime') && config.carbon.secrets.watttime !== undefined);
  if (keyed) return [...config.carbonRegions];
  return config.carbonRegions.filter((region) => region === 'eu-west-2' && providers.includes('uk-carbon-intensity'));
}

/** Run the AWS Solutions cdk-nag pack over everything in `app`; findings become synth errors. */
export function applyNag(app: App): void {
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}
