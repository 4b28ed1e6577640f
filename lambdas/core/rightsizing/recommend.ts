import { instancePowerWatts } from '../accounting/energy';
import type { PriceBook, PriceQuote } from '../accounting/price-book';
import { compareBySize, gravitonFamiliesFor, type InstanceSpecs } from '../ec2/instance-specs';
import { normalizeScheduleName, ScheduleRegistry } from '../schedule';
import { AUTO_RESIZE_NOT_ENABLED } from './apply-trust';
import { burstableBaselinePercent } from './burstable';
import type { CpuStatistic, Datapoint, UtilisationSeries } from './metric-queries';
import type { RightsizeMode } from './mode';
import type {
  Confidence,
  GravitonOption,
  RecommendationStatus,
  RightsizingEvidence,
  RightsizingRecommendation,
  TypeOption,
} from './recommendation';
import { type RunningProfile, runningProfile } from './running-hours';
import { daysWithData, expectedDays, mean, windowStatistic } from './statistics';

/** The rightsizing settings (config `rightsizing`). */
export interface RightsizingSettings {
  readonly lookbackDays: number;
  readonly cpuStatistic: CpuStatistic;
  readonly targetCpuPercent: number;
  readonly memoryHeadroomPercent: number;
  readonly minCoveragePercent: number;
  /** Config `rightsizing.allowAutoResize`: `Rightsize=auto` tags are honoured (docs/security.md). */
  readonly allowAutoResize?: boolean;
}

/** The instance being analysed. */
export interface RightsizingSubject {
  readonly instanceId: string;
  readonly region: string;
  readonly instanceType: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `spot`, `scheduled`, `capacity-block`; undefined for on-demand. */
  readonly lifecycle?: string;
}

/** Everything {@link recommend} needs; no I/O happens inside. */
export interface RecommendInput {
  readonly instance: RightsizingSubject;
  readonly mode: Exclude<RightsizeMode, 'off'>;
  /**
   * Whether the deployment permits automatic resizing (`autoResizePermitted` of apply-trust.ts); default true. When
   * false, advice in mode `auto` stays `open` with the reason "auto resize is not enabled for this deployment".
   */
  readonly autoResizePermitted?: boolean;
  /** Facts of the current type (DescribeInstanceTypes, else the bundled snapshot); undefined when unknown. */
  readonly current: InstanceSpecs | undefined;
  readonly currentFactsSource: 'describe-instance-types' | 'snapshot';
  /** Sizes of a family offered in the instance's region (DescribeInstanceTypes, else the snapshot). */
  readonly familySizes: (family: string) => readonly InstanceSpecs[];
  readonly series: UtilisationSeries;
  /** Set when fetching the series failed (e.g. GetMetricData error): recorded as the reason for no data. */
  readonly seriesError?: string;
  readonly window: { readonly start: Date; readonly end: Date };
  readonly settings: RightsizingSettings;
  readonly prices: PriceBook;
  /** PUE of the region. */
  readonly pue: number;
  /** Average carbon intensity of the region, gCO2e/kWh, and where it came from. */
  readonly gCO2ePerKWh: number;
  readonly carbonSource: string;
  readonly now: Date;
  /**
   * The instance's running time from the schedule registry (`runningProfile`); default: walked through the built-in
   * schedules over the week from `now`.
   */
  readonly profile?: RunningProfile;
}

let builtIns: ScheduleRegistry | undefined;
function builtInRegistry(): ScheduleRegistry {
  builtIns ??= ScheduleRegistry.fromConfig([], 'UTC');
  return builtIns;
}

const DAILY_METHOD: Record<CpuStatistic, string> = {
  p90: 'highest daily p90 in the window (an upper bound of the window p90)',
  p95: 'highest daily p95 in the window (an upper bound of the window p95)',
  p99: 'highest daily p99 in the window (an upper bound of the window p99)',
  Maximum: 'highest daily maximum in the window',
};

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function inWindow(points: readonly Datapoint[], start: Date, end: Date): Datapoint[] {
  return points.filter((p) => {
    const ms = Date.parse(p.timestamp);
    return Number.isFinite(p.value) && ms >= start.getTime() && ms < end.getTime();
  });
}

/**
 * Recommend a type for one instance (docs/rightsizing.md). Rules, in order:
 *
 * 1. Unknown current type or bare metal → `not-analysed`.
 * 2. CPU data on fewer than `minCoveragePercent` of the days the instance was expected to run (its schedule's
 *    weekdays in the window) → `insufficient-data`, with the counts in `reason`.
 * 3. Observed CPU statistic (highest daily p95 by default) above `targetCpuPercent` → `no-change`.
 * 4. Burstable (t2/t3/t3a/t4g): if the busiest day's average CPU is at or above the current size's baseline, the
 *    instance spends CPU credits faster than it earns them → `no-change` (a smaller size has a lower baseline).
 *    A smaller burstable size is proposed only when the busiest day's average, projected onto it, stays at or under
 *    its baseline; without daily averages no burstable size is proposed.
 * 5. Downsize within the family (same architecture, no bare metal): the smallest size with no more vCPUs and no
 *    more memory (and less of one of them; burstable sizes nano…large all have 2 vCPUs) such that
 *    projected CPU = observed × current vCPU ÷ proposed vCPU ≤ target, memory ≥ peak used memory × (1 + headroom)
 *    when the CloudWatch agent measures it (else at most one halving: ≥ half the vCPUs and half the memory), priced
 *    in the region and cheaper than the current type.
 * 6. Graviton option (x86_64 only): across the Graviton counterparts of the family (`m5` → m9g, m8g, m7g, m6g;
 *    t2/t3/t3a → t4g), the smallest size of each (no more vCPUs or memory than now) meeting the same rules, priced in
 *    the region; the cheapest of those, if cheaper than the current type. A separate option: it needs an arm64 AMI.
 *
 * Monthly savings: USD = Δ price × monthly hours (from the schedule registry, docs/rightsizing.md: office-hours
 * 217.26 h, extended-dev 325.89 h, custom schedules by their periods, no or unknown schedule 730 h); CO2e = Δ CCF power (utilisation = mean daily average CPU, projected by the vCPU ratio) × PUE ×
 * monthly hours ÷ 1000 × gCO2ePerKWh.
 */
export function recommend(input: RecommendInput): RightsizingRecommendation {
  const { instance, settings, current } = input;
  const profile = input.profile ?? runningProfile(builtInRegistry(), instance.tags.Schedule, input.now);
  const nowIso = input.now.toISOString();
  const base = {
    region: instance.region,
    instanceId: instance.instanceId,
    ...(profile.schedule !== undefined ? { schedule: profile.schedule } : {}),
    mode: input.mode,
    currentInstanceType: instance.instanceType,
    monthlyHours: round(profile.monthlyHours, 2),
    monthlyHoursBasis: profile.basis,
    gCO2ePerKWh: input.gCO2ePerKWh,
    carbonSource: input.carbonSource,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  const none = (
    outcome: 'no-change' | 'insufficient-data' | 'not-analysed',
    reason: string,
    extra: Partial<RightsizingRecommendation> = {},
  ): RightsizingRecommendation => ({
    ...base,
    recommendationId: `${instance.instanceId}:${instance.instanceType}->none`,
    outcome,
    reason,
    monthlySavingsUsd: 0,
    monthlySavingsGCO2e: 0,
    ...extra,
  });

  if (!current) {
    return none(
      'not-analysed',
      `instance type ${instance.instanceType} is unknown to DescribeInstanceTypes and the bundled specs`,
    );
  }
  const currentPrice = input.prices.usdPerHour(instance.region, current.instanceType);
  const currentFacts = {
    vcpu: current.vcpu,
    memoryGiB: current.memoryGiB,
    arch: current.arch,
    ...(currentPrice ? { usdPerHour: currentPrice.usdPerHour, priceSource: currentPrice.source } : {}),
    factsSource: input.currentFactsSource,
  };
  if (current.metal) {
    return none('not-analysed', `${current.instanceType} is bare metal; rightsizing covers virtualised sizes only`, {
      current: currentFacts,
    });
  }

  // Evidence ------------------------------------------------------------------------------------------------------
  const { start, end } = input.window;
  const cpu = inWindow(input.series.cpu, start, end);
  const averages = inWindow(input.series.cpuAverage, start, end);
  const memory = inWindow(input.series.memoryUsedPercent, start, end);
  const dataDays = daysWithData(cpu, start, end).size;
  const expected = expectedDays(start, end, profile.weekdays);
  const coveragePercent = expected === 0 ? 0 : Math.min(100, (dataDays / expected) * 100);
  const observed = windowStatistic(cpu);
  const averageCpu = mean(averages.map((p) => p.value));
  const maxDailyAverage = averages.length > 0 ? Math.max(...averages.map((p) => p.value)) : undefined;
  const peakMemoryPercent = memory.length > 0 ? Math.max(...memory.map((p) => p.value)) : undefined;
  const peakMemoryGiB = peakMemoryPercent !== undefined ? (peakMemoryPercent / 100) * current.memoryGiB : undefined;
  const requiredMemoryGiB =
    peakMemoryGiB !== undefined ? peakMemoryGiB * (1 + settings.memoryHeadroomPercent / 100) : undefined;
  const currentBaseline = current.burstable ? burstableBaselinePercent(current.family, current.size) : undefined;

  const evidenceBase: RightsizingEvidence = {
    statistic: settings.cpuStatistic,
    statisticMethod: DAILY_METHOD[settings.cpuStatistic],
    ...(observed !== undefined ? { observedCpuPercent: round(observed, 2) } : {}),
    ...(averageCpu !== undefined ? { averageCpuPercent: round(averageCpu, 2) } : {}),
    ...(maxDailyAverage !== undefined ? { maxDailyAverageCpuPercent: round(maxDailyAverage, 2) } : {}),
    targetCpuPercent: settings.targetCpuPercent,
    window: { start: start.toISOString(), end: end.toISOString(), lookbackDays: settings.lookbackDays },
    datapoints: dataDays,
    expectedDatapoints: expected,
    coveragePercent: round(coveragePercent),
    ...(peakMemoryPercent !== undefined
      ? {
          memory: {
            peakUsedPercent: round(peakMemoryPercent, 2),
            peakUsedGiB: round(peakMemoryGiB!, 3),
            requiredGiB: round(requiredMemoryGiB!, 3),
            headroomPercent: settings.memoryHeadroomPercent,
            datapoints: memory.length,
          },
        }
      : {}),
    ...(current.burstable && currentBaseline !== undefined
      ? { burstable: { currentBaselinePercent: currentBaseline } }
      : {}),
  };
  const withEvidence = { current: currentFacts, evidence: evidenceBase };

  if (observed === undefined && input.seriesError !== undefined) {
    return none('insufficient-data', `no CPU data: ${input.seriesError}`, withEvidence);
  }
  if (observed === undefined) {
    return none(
      'insufficient-data',
      `no CPUUtilization datapoints in the last ${settings.lookbackDays} days (instance stopped all along, or metrics missing)`,
      withEvidence,
    );
  }
  if (coveragePercent < settings.minCoveragePercent) {
    return none(
      'insufficient-data',
      `CPU data on ${dataDays} of ${expected} expected days (${round(coveragePercent)}% < minCoveragePercent ${settings.minCoveragePercent}%)`,
      withEvidence,
    );
  }
  const stat = settings.cpuStatistic;
  if (observed > settings.targetCpuPercent) {
    return none(
      'no-change',
      `CPU ${stat} ${round(observed)}% is already above the target ${settings.targetCpuPercent}%; no smaller type fits`,
      withEvidence,
    );
  }
  if (
    current.burstable &&
    currentBaseline !== undefined &&
    maxDailyAverage !== undefined &&
    maxDailyAverage >= currentBaseline
  ) {
    return none(
      'no-change',
      `burstable ${current.instanceType}: busiest day's average CPU ${round(maxDailyAverage)}% is at or above its ` +
        `baseline ${currentBaseline}%, so it spends CPU credits faster than it earns them; a smaller size would be ` +
        'throttled (standard) or billed for surplus credits (unlimited)',
      withEvidence,
    );
  }

  // Candidates ------------------------------------------------------------------------------------------------------
  const utilisation = averageCpu !== undefined ? Math.min(1, Math.max(0, averageCpu / 100)) : 0.5;
  const currentWatts = instancePowerWatts(current.instanceType, { utilisation, specs: current }).watts;

  /** Why `candidate` does not fit, or undefined when it does. */
  const misfit = (candidate: InstanceSpecs): string | undefined => {
    const projected = (observed * current.vcpu) / candidate.vcpu;
    if (projected > settings.targetCpuPercent) {
      return `projected CPU ${stat} on ${candidate.instanceType} would be ${round(projected)}% > target ${settings.targetCpuPercent}%`;
    }
    if (requiredMemoryGiB !== undefined) {
      if (candidate.memoryGiB < requiredMemoryGiB) {
        return (
          `${candidate.instanceType} has ${candidate.memoryGiB} GiB, less than the ${round(requiredMemoryGiB, 2)} GiB ` +
          `needed (peak use ${round(peakMemoryGiB!, 2)} GiB + ${settings.memoryHeadroomPercent}% headroom)`
        );
      }
    } else if (candidate.vcpu * 2 < current.vcpu || candidate.memoryGiB * 2 < current.memoryGiB) {
      return `memory is not measured (no CWAgent mem_used_percent), so at most one halving is proposed`;
    }
    if (candidate.burstable) {
      const baseline = burstableBaselinePercent(candidate.family, candidate.size);
      if (baseline === undefined || maxDailyAverage === undefined) {
        return `no daily average CPU to check the CPU-credit baseline of ${candidate.instanceType}`;
      }
      const projectedAverage = (maxDailyAverage * current.vcpu) / candidate.vcpu;
      if (projectedAverage > baseline) {
        return (
          `busiest day's average CPU projected on ${candidate.instanceType} would be ${round(projectedAverage)}%, ` +
          `above its CPU-credit baseline ${baseline}%`
        );
      }
    }
    const price = input.prices.usdPerHour(instance.region, candidate.instanceType);
    if (!price) return `${candidate.instanceType} has no on-demand price in ${instance.region}`;
    if (!currentPrice) return `${current.instanceType} has no on-demand price in ${instance.region}`;
    if (price.usdPerHour >= currentPrice.usdPerHour) {
      return `${candidate.instanceType} (${price.usdPerHour} USD/h) is not cheaper than ${current.instanceType}`;
    }
    return undefined;
  };

  const option = (candidate: InstanceSpecs): TypeOption => {
    const price = input.prices.usdPerHour(instance.region, candidate.instanceType) as PriceQuote;
    const projectedUtilisation = Math.min(1, (utilisation * current.vcpu) / candidate.vcpu);
    const watts = instancePowerWatts(candidate.instanceType, {
      utilisation: projectedUtilisation,
      specs: candidate,
    }).watts;
    const kWh = ((currentWatts - watts) * input.pue * profile.monthlyHours) / 1000;
    return {
      instanceType: candidate.instanceType,
      vcpu: candidate.vcpu,
      memoryGiB: candidate.memoryGiB,
      arch: candidate.arch,
      projectedCpuPercent: round((observed * current.vcpu) / candidate.vcpu, 2),
      usdPerHour: price.usdPerHour,
      priceSource: price.source,
      monthlySavingsUsd: round((currentPrice!.usdPerHour - price.usdPerHour) * profile.monthlyHours, 2),
      monthlySavingsKWh: round(kWh, 3),
      monthlySavingsGCO2e: round(kWh * input.gCO2ePerKWh, 0),
    };
  };

  const smaller = input
    .familySizes(current.family)
    .filter(
      (s) =>
        !s.metal &&
        s.arch === current.arch &&
        s.vcpu <= current.vcpu &&
        s.memoryGiB <= current.memoryGiB &&
        (s.vcpu < current.vcpu || s.memoryGiB < current.memoryGiB),
    )
    .sort(compareBySize);
  const fitting = smaller.find((s) => misfit(s) === undefined);
  const nextSmaller = smaller[smaller.length - 1];
  const blocker = fitting
    ? undefined
    : smaller.length === 0
      ? `${current.instanceType} is the smallest size of ${current.family} offered`
      : misfit(nextSmaller!);

  let graviton: GravitonOption | undefined;
  if (current.arch === 'x86_64') {
    let best: { specs: InstanceSpecs; usdPerHour: number } | undefined;
    for (const family of gravitonFamiliesFor(current.family)) {
      const pick = input
        .familySizes(family)
        .filter((s) => !s.metal && s.arch === 'arm64' && s.vcpu <= current.vcpu && s.memoryGiB <= current.memoryGiB)
        .sort(compareBySize)
        .find((s) => misfit(s) === undefined);
      const usdPerHour = pick ? input.prices.usdPerHour(instance.region, pick.instanceType)?.usdPerHour : undefined;
      // Families come newest first, so a tie keeps the newer generation.
      if (pick && usdPerHour !== undefined && (!best || usdPerHour < best.usdPerHour))
        best = { specs: pick, usdPerHour };
    }
    if (best) {
      graviton = {
        ...option(best.specs),
        requiresArchitectureChange: true,
        note:
          `${best.specs.instanceType} is arm64 (AWS Graviton): it needs an arm64 AMI and arm64 builds of the software; ` +
          'never applied automatically',
      };
    }
  }

  const proposed = fitting ? option(fitting) : undefined;
  const confidence: Confidence =
    requiredMemoryGiB !== undefined && coveragePercent >= 90 && settings.lookbackDays >= 14 && !current.burstable
      ? 'high'
      : requiredMemoryGiB !== undefined
        ? 'medium'
        : 'low';
  const evidence: RightsizingEvidence =
    fitting?.burstable && current.burstable
      ? {
          ...evidenceBase,
          burstable: {
            ...(currentBaseline !== undefined ? { currentBaselinePercent: currentBaseline } : {}),
            ...(burstableBaselinePercent(fitting.family, fitting.size) !== undefined
              ? { proposedBaselinePercent: burstableBaselinePercent(fitting.family, fitting.size)! }
              : {}),
          },
        }
      : evidenceBase;

  if (!proposed && !graviton) {
    return none('no-change', blocker ?? 'no cheaper type fits', { ...withEvidence, evidence });
  }

  const chosen = proposed ?? graviton!;
  const outcome = proposed ? 'downsize' : 'graviton-only';
  const reason = proposed
    ? `${current.instanceType} → ${proposed.instanceType}: CPU ${stat} ${round(observed)}% would be ` +
      `${round(proposed.projectedCpuPercent)}% (target ${settings.targetCpuPercent}%)` +
      (requiredMemoryGiB !== undefined
        ? `, memory ${proposed.memoryGiB} GiB ≥ ${round(requiredMemoryGiB, 2)} GiB needed`
        : ', memory not measured (one size step only)') +
      `; saves ${proposed.monthlySavingsUsd} USD/month`
    : `no smaller ${current.family} size fits (${blocker}); the Graviton ${graviton!.instanceType} saves ` +
      `${graviton!.monthlySavingsUsd} USD/month if the workload runs on arm64`;
  const { status, statusReason } = initialStatus(input, outcome, profile.schedule);
  return {
    ...base,
    recommendationId: `${instance.instanceId}:${instance.instanceType}->${chosen.instanceType}`,
    current: currentFacts,
    outcome,
    reason,
    ...(proposed ? { proposed } : {}),
    ...(graviton ? { graviton } : {}),
    evidence,
    monthlySavingsUsd: chosen.monthlySavingsUsd,
    monthlySavingsGCO2e: chosen.monthlySavingsGCO2e,
    confidence,
    status,
    ...(statusReason ? { statusReason } : {}),
  };
}

/**
 * Status of fresh advice: `pending-apply` only for mode `auto`, a same-architecture downsize, an instance the
 * scheduler stops anyway (a `Schedule` tag other than `always-on`), on-demand and outside an Auto Scaling group;
 * otherwise `open` with the reason auto-apply was not chosen.
 */
function initialStatus(
  input: RecommendInput,
  outcome: 'downsize' | 'graviton-only',
  schedule: string | undefined,
): { status: RecommendationStatus; statusReason?: string } {
  if (input.mode !== 'auto') return { status: 'open' };
  if (input.autoResizePermitted === false) return { status: 'open', statusReason: AUTO_RESIZE_NOT_ENABLED };
  if (outcome === 'graviton-only') {
    return {
      status: 'open',
      statusReason: 'an architecture change (x86_64 → arm64) needs an arm64 AMI; it is never applied automatically',
    };
  }
  if (schedule === undefined) {
    return {
      status: 'open',
      statusReason:
        'auto applies only while the scheduler stops the instance anyway; this instance has no Schedule tag',
    };
  }
  if (normalizeScheduleName(schedule) === 'always-on') {
    return {
      status: 'open',
      statusReason:
        'always-on instances are never stopped by the scheduler, so resizing would add downtime; apply it by hand',
    };
  }
  if (input.instance.tags['aws:autoscaling:groupName'] !== undefined) {
    return {
      status: 'open',
      statusReason: 'the Auto Scaling group owns this instance; change its launch template instead',
    };
  }
  if (input.instance.lifecycle !== undefined) {
    return { status: 'open', statusReason: `${input.instance.lifecycle} instances are not resized automatically` };
  }
  return { status: 'pending-apply', statusReason: 'applied at the next scheduled stop, then started by the schedule' };
}
