import * as z from 'zod';
import { PROVIDERS } from '../carbon/reading';
import { regionFacts } from '../carbon/region-facts';
import { resourcesConfigProblems, resourcesConfigSchema } from '../resources/config';
import { validateScheduleDefinition } from '../schedule/validate-hook';
import { arnProblem, regionProblem } from './partition';

/**
 * The product's configuration, one zod schema shared by the CDK app (validated at synth), the Lambdas (bundled into
 * each function's code as `config.json` and validated again at cold start) and the CLI (`--config PATH`).
 */

/** Default carbon thresholds in gCO2e/kWh (README, Configure); other regions use their static annual average. */
export const DEFAULT_CARBON_THRESHOLDS: Readonly<Record<string, number>> = {
  'eu-central-1': 300,
  'eu-west-1': 250,
  'eu-west-2': 200,
  'eu-west-3': 90,
  'eu-north-1': 40,
  'us-east-1': 450,
  'us-west-2': 350,
};

/** Worker regions by default: two very clean grids (SE-SE3, FR), a mid one (DE) and two US grids. */
export const DEFAULT_WORKER_REGIONS = ['eu-north-1', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-west-2'];

/** Intervals EventBridge can trigger the scheduler at, in minutes. */
export const SCHEDULING_INTERVALS = [1, 2, 5, 10, 15, 30, 60] as const;

/** CloudWatch Logs retention values accepted by the API, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653,
] as const;

/** Power usage effectiveness used for AWS by Cloud Carbon Footprint (methodology, 2023). */
export const DEFAULT_PUE = 1.135;

const allowed = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** A region of the `aws` partition known to the product (regions of other partitions are refused, naming it). */
const region = z.string().superRefine((value, ctx) => {
  const problem = regionProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
});

/** An ARN of `service` in the `aws` partition. */
const arnOf = (service: string) =>
  z.string().superRefine((value, ctx) => {
    const problem = arnProblem(value, service);
    if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
  });

/**
 * Characters Secrets Manager allows in a secret name (letters, digits and `/_+=.@-`, at most 512). Wildcards `*` and
 * `?` are not among them: the fetcher's read permission is built from the name, and a wildcard would widen it to
 * other secrets (docs/security.md).
 */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** Why a configured secret name or ARN is refused, or undefined when it names exactly one secret. */
export function secretNameProblem(value: string): string | undefined {
  if (/[*?]/.test(value)) {
    return `${JSON.stringify(value)} contains a wildcard (* or ?); name exactly one secret, the fetcher may read only the secrets named`;
  }
  if (value.startsWith('arn:')) {
    const problem = arnProblem(value, 'secretsmanager');
    if (problem) return problem;
    if (!/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(value)) {
      return `${JSON.stringify(value)} is not a secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)`;
    }
    return undefined;
  }
  if (!SECRET_NAME.test(value)) {
    return `${JSON.stringify(value)} is not a Secrets Manager secret name (1 to 512 letters, digits and / _ + = . @ -)`;
  }
  return undefined;
}

/** A Secrets Manager secret name, or its ARN (in the `aws` partition); never a wildcard. */
const secretNameOrArn = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = secretNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
  });

const isIanaZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const timezone = z.string().refine(isIanaZone, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. "Europe/Berlin", "UTC")`,
});

const gPerKWh = z
  .number({ error: (issue) => `expected a number of gCO2e/kWh, got ${JSON.stringify(issue.input)}` })
  .min(0, { error: (issue) => `${JSON.stringify(issue.input)} is negative; a threshold must be ≥ 0 gCO2e/kWh` })
  .max(3000, { error: (issue) => `${JSON.stringify(issue.input)} is above 3000 gCO2e/kWh, no grid is that dirty` });

const regionRecord = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      const problem = regionProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], input: key, message: problem });
    }
  });

const minutes = (max: number) =>
  z
    .number()
    .int({ error: (issue) => `${JSON.stringify(issue.input)} is not a whole number of minutes` })
    .min(0, { error: (issue) => `${JSON.stringify(issue.input)} is negative; minutes must be ≥ 0` })
    .max(max, { error: (issue) => `${JSON.stringify(issue.input)} is above the maximum of ${max} minutes` });

/** Longest `minRunMinutes` / `minStopMinutes`: 12 h; longer would hold a carbon pause (or run) past a working day. */
export const MAX_PAUSE_MINUTES = 12 * 60;

const pauseMinutes = (field: 'minRunMinutes' | 'minStopMinutes') =>
  z
    .number({ error: (issue) => `${field} must be a whole number of minutes, got ${JSON.stringify(issue.input)}` })
    .int({ error: (issue) => `${JSON.stringify(issue.input)} is not a whole number of minutes` })
    .min(0, { error: (issue) => `${field} ${JSON.stringify(issue.input)} is negative; it must be ≥ 0 minutes` })
    .max(MAX_PAUSE_MINUTES, {
      error: (issue) =>
        `${field} ${JSON.stringify(issue.input)} is above ${MAX_PAUSE_MINUTES} minutes (12 h); a carbon pause or run that long outlasts a working day`,
    });

const oneOf = <T extends readonly (string | number)[]>(values: T, what: string) =>
  z.custom<T[number]>((value) => (values as readonly unknown[]).includes(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a valid ${what}; allowed: ${allowed(values)}`,
  });

const providerName = oneOf(PROVIDERS, 'carbon provider');

export const carbonConfigSchema = z
  .object({
    /** Providers in priority order; a provider without credentials is skipped. */
    providers: z
      .array(providerName)
      .min(1, { error: 'list at least one provider (e.g. ["static"])' })
      .default([...PROVIDERS]),
    /** region → grid zone, overriding the built-in table (e.g. us-west-2 → US-NW-BPAT). */
    zoneOverrides: regionRecord(z.string().min(1)).default({}),
    fetchIntervalMinutes: minutes(60).min(1, { error: 'fetchIntervalMinutes must be at least 1' }).default(5),
    /** How long stored readings and forecasts live in the table (DynamoDB TTL), minutes. */
    cacheTtlMinutes: minutes(60 * 24 * 31).default(60 * 24 * 2),
    /** Seconds before a provider's reading starts to be penalised (docs/carbon.md). */
    graceSeconds: z
      .object({
        electricitymaps: z.number().min(0).optional(),
        watttime: z.number().min(0).optional(),
        'uk-carbon-intensity': z.number().min(0).optional(),
      })
      .strict()
      .default({}),
    /** gCO2e/kWh added to estimated readings when ranking. */
    estimatedPenaltyGCO2ePerKWh: z.number().min(0).default(0),
    /** Secrets Manager secret names or ARNs holding provider credentials; never the keys themselves. */
    secrets: z
      .object({
        /** Secret whose value is the Electricity Maps API token (plain string or {"apiKey": "..."}). */
        electricitymaps: secretNameOrArn.optional(),
        /** Secret whose value is {"username": "...", "password": "..."} for WattTime. */
        watttime: secretNameOrArn.optional(),
      })
      .strict()
      .default({}),
    requestTimeoutMs: z.number().int().min(100).max(30_000).default(4000),
    maxRetries: z.number().int().min(0).max(5).default(2),
    concurrency: z.number().int().min(1).max(32).default(6),
    /**
     * What carbon policies do when a region has no live or cached reading, only the static annual factor:
     * `hold` (default) keeps instances as the time schedule says and never pauses on static data;
     * `use-static` compares the static factor with the threshold like a live value.
     */
    whenNoLiveData: z.enum(['hold', 'use-static']).default('hold'),
    /**
     * Thresholds for marginal signals (WattTime MOER, gCO2e/kWh) per region. `carbonThresholds` are written for
     * average signals and are never compared with a marginal reading; without an entry here, carbon policies hold
     * (run as the time schedule says) while a region's reading is marginal. Hysteresis scales in proportion.
     */
    marginalThresholds: regionRecord(gPerKWh).default({}),
    /**
     * Readings older than this raise the "carbon data stale" alarm, minutes. The fallback chain also stops using
     * live or cached readings older than this (the static factor takes over).
     */
    maxDataAgeMinutes: minutes(60 * 24)
      .min(5)
      .default(120),
    /**
     * GB DNO region id (1–17, e.g. 13 = London) whose regional figures the UK Carbon Intensity API provider reports
     * for eu-west-2; unset (default) uses the national figures, which include measured values.
     */
    ukRegionId: z.number().int().min(1).max(17).optional(),
  })
  .strict();

export const rightsizingConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    lookbackDays: z.number().int().min(1).max(63).default(14),
    /** CPU statistic the recommendation is judged on. */
    cpuStatistic: z.enum(['p90', 'p95', 'p99', 'Maximum']).default('p95'),
    /** A smaller type is recommended only while the projected CPU statistic stays under this percentage. */
    targetCpuPercent: z.number().min(5).max(95).default(60),
    /** Memory headroom kept above the measured peak memory use, percent. */
    memoryHeadroomPercent: z.number().min(0).max(100).default(20),
    /** Minimum share of the lookback window that must have datapoints, percent. */
    minCoveragePercent: z.number().min(1).max(100).default(80),
    /** Mode for scheduled instances without a `Rightsize` tag. */
    defaultMode: z.enum(['recommend', 'auto', 'off']).default('recommend'),
    /**
     * Honour `Rightsize=auto` tags: the scheduler may change the type of an instance so tagged (a smaller size of
     * the same family and architecture). Off by default: without it (and without `defaultMode: "auto"` or a period
     * with `instanceType`) no role holds ec2:ModifyInstanceAttribute (docs/security.md).
     */
    allowAutoResize: z.boolean().default(false),
  })
  .strict();

export const dispatchConfigSchema = z
  .object({
    /** Regions jobs may run in; default: every worker region. */
    allowedRegions: z.array(region).min(1).optional(),
    defaultMaxDeferMinutes: minutes(60 * 24 * 7).default(240),
    /**
     * A job with a deadline is deferred only when a forecast slot is at least this much cleaner (percent) than
     * running now; smaller gains are within forecast error and not worth the delay (docs/dispatch.md).
     */
    minDeferImprovementPercent: z.number().min(0).max(100).default(5),
    /** Largest job payload accepted, bytes (Lambda asynchronous invocations accept up to 1 MB). */
    maxPayloadBytes: z.number().int().min(1024).max(1_000_000).default(240_000),
    /**
     * IAM roles (ARNs, this partition) allowed to put `JobRequested` events on the job bus; nobody else can request
     * jobs through EventBridge (docs/security.md).
     */
    jobSubmitterRoleArns: z.array(arnOf('iam')).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    homeRegion: region.default('eu-central-1'),
    managedRegions: z.array(region).min(1).optional(),
    workerRegions: z.array(region).min(1).default(DEFAULT_WORKER_REGIONS),
    carbonThresholds: regionRecord(gPerKWh).default({}),
    /** gCO2e/kWh below the threshold an instance must fall to resume; one number for all regions or per region. */
    hysteresis: z.union([gPerKWh, regionRecord(gPerKWh)]).optional(),
    /** Shortest run after a carbon-policy start, minutes (0–720): keeps a policy from flapping (docs/scheduler.md). */
    minRunMinutes: pauseMinutes('minRunMinutes').default(30),
    /** Shortest carbon pause, minutes (0–720). */
    minStopMinutes: pauseMinutes('minStopMinutes').default(30),
    carbon: carbonConfigSchema.prefault({}),
    schedules: z.array(z.unknown()).default([]),
    schedulingIntervalMinutes: oneOf(SCHEDULING_INTERVALS, 'schedulingIntervalMinutes').default(5),
    dryRun: z.boolean().default(false),
    timezone: timezone.default('UTC'),
    rightsizing: rightsizingConfigSchema.prefault({}),
    dispatch: dispatchConfigSchema.prefault({}),
    metricsNamespace: z
      .string()
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, { error: 'metricsNamespace may use letters, digits and . _ / # : -' })
      .default('CarbonAwareScheduler'),
    /** PUE per region overriding the default 1.135 (Cloud Carbon Footprint's AWS figure). */
    pue: z
      .object({
        default: z.number().min(1).max(3).default(DEFAULT_PUE),
        regions: regionRecord(z.number().min(1).max(3)).default({}),
      })
      .strict()
      .prefault({}),
    /** On-demand price overrides, USD per hour, keyed `instanceType` or `region/instanceType`. */
    priceOverrides: z.record(z.string(), z.number().min(0)).default({}),
    /** KMS keys of customer-managed EBS encryption; the scheduler gets kms:CreateGrant on them to start instances. */
    ebsKmsKeyArns: z.array(arnOf('kms')).default([]),
    alarms: z
      .object({
        /** E-mail addresses subscribed to the alarm topic. */
        emails: z
          .array(z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an e-mail address` }))
          .default([]),
        /** Link shown on the dashboard for what to do when an alarm fires (e.g. your fork's README#runbook). */
        runbookUrl: z.url().default('https://github.com/carbon-aware-scheduler/carbon-aware-scheduler#runbook'),
      })
      .strict()
      .prefault({}),
    logRetentionDays: oneOf(LOG_RETENTION_DAYS, 'logRetentionDays').default(30),
    /** RDS, Aurora and Auto Scaling scheduling: opt-out values and start order (docs/resources.md). */
    resources: resourcesConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const problem of hysteresisProblems(config)) ctx.addIssue({ code: 'custom', ...problem });
    config.schedules.forEach((definition, index) => {
      for (const message of validateScheduleDefinition(definition, config.timezone)) {
        ctx.addIssue({ code: 'custom', path: ['schedules', index], input: definition, message });
      }
    });
    const names = config.schedules.flatMap((definition) => {
      const name = (definition as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? [name] : [];
    });
    for (const message of resourcesConfigProblems(config.resources, names)) {
      ctx.addIssue({
        code: 'custom',
        path: ['resources', 'optOutValues'],
        input: config.resources.optOutValues,
        message,
      });
    }
  });

/**
 * `hysteresis` must be below the threshold it applies to (docs/scheduler.md): an instance paused above the threshold
 * resumes below threshold − hysteresis, so a hysteresis at or above the threshold pauses once and never resumes.
 * A single number is checked against every managed region's threshold; a per-region value against its region's.
 */
function hysteresisProblems(config: {
  readonly hysteresis?: number | Record<string, number> | undefined;
  readonly carbonThresholds: Record<string, number>;
  readonly managedRegions?: string[] | undefined;
  readonly homeRegion: string;
}): { path: PropertyKey[]; input: unknown; message: string }[] {
  const { hysteresis } = config;
  if (hysteresis === undefined) return [];
  const thresholdOf = (region: string) =>
    config.carbonThresholds[region] ??
    DEFAULT_CARBON_THRESHOLDS[region] ??
    regionFacts(region)?.staticGCO2ePerKWh ??
    Number.POSITIVE_INFINITY;
  const entries: [string, number, PropertyKey[]][] =
    typeof hysteresis === 'number'
      ? (config.managedRegions ?? [config.homeRegion]).map((r) => [r, hysteresis, ['hysteresis']])
      : Object.entries(hysteresis).map(([r, value]) => [r, value, ['hysteresis', r]]);
  return entries
    .filter(([region, value]) => value >= thresholdOf(region))
    .map(([region, value, path]) => ({
      path,
      input: value,
      message: `hysteresis ${value} gCO2e/kWh is not below the carbon threshold of ${region} (${thresholdOf(region)} gCO2e/kWh): an instance paused for carbon there would never resume; use a value below the threshold (default: 10% of it)`,
    }));
}

/** Configuration as written in a file (every field optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** Configuration after parsing, before derived values. */
export type ParsedConfig = z.output<typeof configSchema>;

/** Configuration with every derived default filled in; what the rest of the product consumes. */
export interface Config extends Omit<ParsedConfig, 'managedRegions' | 'hysteresis' | 'dispatch'> {
  /** The configuration as written (before defaults), for passing to the Lambdas. */
  readonly input: unknown;
  readonly managedRegions: string[];
  readonly dispatch: ParsedConfig['dispatch'] & { allowedRegions: string[] };
  /** Threshold in gCO2e/kWh for a region: configured, else the product's default, else its static annual average. */
  readonly thresholdFor: (region: string) => number;
  /** Hysteresis in gCO2e/kWh for a region: configured, else 10% of its threshold. */
  readonly hysteresisFor: (region: string) => number;
  /** PUE for a region: configured, else the default. */
  readonly pueFor: (region: string) => number;
  /** Every region the product reads carbon data for: managed ∪ worker ∪ dispatch regions ∪ home, sorted. */
  readonly carbonRegions: string[];
}

/**
 * Which instances the scheduler may change the type of, decided by the configuration alone (docs/security.md):
 * - `none`: no role holds ec2:ModifyInstanceAttribute (the default configuration);
 * - `rightsize-tagged`: only instances tagged `Rightsize=auto` (`rightsizing.allowAutoResize: true`);
 * - `schedule-tagged`: instances with the schedule tag (`rightsizing.defaultMode: "auto"`, under which untagged
 *   instances are auto, or a schedule period with `instanceType`).
 * Auto resizes need `rightsizing.enabled` (the rightsizer writes the pending markers); period types do not.
 */
export type ResizeScope = 'none' | 'rightsize-tagged' | 'schedule-tagged';

/** Whether any schedule definition has a period with an `instanceType` (any spelling the parser accepts). */
function schedulesResize(schedules: readonly unknown[]): boolean {
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(visit);
    if (!value || typeof value !== 'object') return false;
    return Object.entries(value).some(
      ([key, field]) =>
        (key.toLowerCase() === 'instancetype' && typeof field === 'string' && field.trim() !== '') || visit(field),
    );
  };
  return schedules.some(visit);
}

/** The {@link ResizeScope} of a parsed configuration. */
export function resizeScope(config: Pick<ParsedConfig, 'rightsizing' | 'schedules'>): ResizeScope {
  const auto = config.rightsizing.enabled;
  if (schedulesResize(config.schedules) || (auto && config.rightsizing.defaultMode === 'auto')) {
    return 'schedule-tagged';
  }
  if (auto && config.rightsizing.allowAutoResize) return 'rightsize-tagged';
  return 'none';
}
