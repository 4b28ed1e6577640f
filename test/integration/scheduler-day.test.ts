import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../support/replay-server';
import { electricityMapsDayRoutes, latestAt } from './fixtures/carbon-day';
import { metricsLogLines } from './support/emf';
import { anImage, clearTable, instances, launch, localFunction, tableItems, terminateAll } from './support/fixture';
import type { Invocation } from './support/local-lambda';
import { byHand, itemsWithPrefix, putSecret } from './support/scenario';

/**
 * A simulated working day of the deployed scheduler over ~200 instances in the three managed regions of
 * config/scenario.config.json (timezone Europe/Berlin; default thresholds eu-central-1 300, eu-west-1 250,
 * us-east-1 450 gCO2e/kWh, hysteresis 10%, minRunMinutes = minStopMinutes = 30), with carbon readings written by
 * the deployed carbon fetcher from a replay of Electricity Maps (fixtures/carbon-day.ts).
 *
 * The day is Tuesday 30 June 2026, the last weekday of June (so `month-end-close`, monthdays LW, runs). Berlin is
 * UTC+2 (CEST), New York UTC−4 (EDT). Every expectation below was worked out by hand from the README and docs/
 * (schedules.md, scheduler.md, accounting.md) before the first run; none is read from the product.
 *
 * Built-in periods in UTC this day: office-hours 06:00–16:00, extended-dev 05:00–20:00; lab-nights Mon 22:00 →
 * Tue 06:00 Berlin = 29th 20:00Z → 30th 04:00Z and again from 20:00Z; us-support 07:00–19:00 New York = 11:00–23:00Z
 * (and Monday's until 29th 23:00Z); batch-when-clean 04:00–18:00Z; month-end-close 04:00–22:00Z (enforced).
 */

const REGIONS = ['eu-central-1', 'eu-west-1', 'us-east-1'] as const;
type Region = (typeof REGIONS)[number];

/** The ticks, a..w (UTC). Every schedule and carbon transition of the fleet, plus a few quiet ticks. */
const TICKS = [
  { id: 'a', at: '2026-06-29T22:00Z', note: 'Tue 00:00 Berlin, Mon 18:00 New York: the scheduler sees the fleet' },
  { id: 'b', at: '2026-06-29T23:00Z', note: '19:00 New York: us-support ends' },
  { id: 'c', at: '2026-06-30T01:00Z', note: 'quiet' },
  { id: 'd', at: '2026-06-30T03:00Z', note: 'DE estimate 303 > 300: carbon-aware pauses (ran since first sight)' },
  { id: 'e', at: '2026-06-30T03:15Z', note: 'DE revised to 268 < 270, but paused for 15 of 30 min: stays paused' },
  { id: 'f', at: '2026-06-30T03:30Z', note: 'DE 268 < 270 and paused for 30 min: resumes' },
  { id: 'g', at: '2026-06-30T03:45Z', note: 'DE revised to 301 > 300, but running for 15 of 30 min: keeps running' },
  {
    id: 'h',
    at: '2026-06-30T04:00Z',
    note: '06:00 Berlin: DE 307.71 > 300 after 30 min of running: pause; lab-nights ends; month-end-close and batch-when-clean begin (batch-when-clean held by carbon in DE)',
  },
  { id: 'i', at: '2026-06-30T04:00Z', note: 'the same tick again: no second action', repeat: true },
  { id: 'j', at: '2026-06-30T05:00Z', note: '07:00 Berlin: extended-dev begins; DE 299.08 is not below 270' },
  { id: 'k', at: '2026-06-30T06:00Z', note: '08:00 Berlin: office-hours begins; DE 271.16 is not below 270' },
  { id: 'l', at: '2026-06-30T07:00Z', note: 'DE 233.04 < 270: carbon-aware and batch-when-clean resume in DE' },
  {
    id: 'm',
    at: '2026-06-30T09:00Z',
    note: 'after people stopped two groups at 08:30Z: enforced month-end-close restarts',
  },
  { id: 'n', at: '2026-06-30T10:00Z', note: 'ScheduleOverride "stopped until 2026-06-30T12:00+02:00" expires' },
  { id: 'o', at: '2026-06-30T11:00Z', note: '07:00 New York: us-support begins' },
  { id: 'p', at: '2026-06-30T13:00Z', note: 'quiet' },
  { id: 'q', at: '2026-06-30T16:00Z', note: '18:00 Berlin: office-hours ends (not under "running until 17:00Z")' },
  { id: 'r', at: '2026-06-30T17:00Z', note: 'ScheduleOverride "running until 2026-06-30T17:00Z" expires: stop' },
  { id: 's', at: '2026-06-30T18:00Z', note: '20:00 Berlin: batch-when-clean ends' },
  { id: 't', at: '2026-06-30T19:00Z', note: 'a person started de-manual-start at 18:30Z: not stopped again' },
  { id: 'u', at: '2026-06-30T20:00Z', note: '22:00 Berlin: extended-dev ends, lab-nights begins' },
  { id: 'v', at: '2026-06-30T22:00Z', note: '00:00 Berlin, Wed 1 July (not LW): month-end-close ends' },
  { id: 'w', at: '2026-06-30T23:00Z', note: '19:00 New York: us-support ends' },
] as const satisfies readonly { id: string; at: string; note: string; repeat?: boolean }[];

/**
 * State of a group after each tick a..w: R running, S stopped by the scheduler (its hours are savings), M stopped
 * but not by the scheduler (a person; never counted as savings).
 */
type Cell = 'R' | 'S' | 'M';
const row = (cells: string): Cell[] => {
  const parsed = cells.split(' ') as Cell[];
  if (parsed.length !== TICKS.length) throw new Error(`row ${cells} has ${parsed.length} cells`);
  return parsed;
};
//                             tick: a b c d e f g h i j k l m n o p q r s t u v w
const OFFICE_HOURS = /*         */ row('S S S S S S S S S S R R R R R R S S S S S S S');
const EXTENDED_DEV = /*         */ row('S S S S S S S S S R R R R R R R R R R R S S S');
const RUNNING = /*              */ row('R R R R R R R R R R R R R R R R R R R R R R R');
const CARBON_AWARE_DE = /*      */ row('R R R S S R R S S S S R R R R R R R R R R R R');
const LAB_NIGHTS = /*           */ row('R R R R R R R S S S S S S S S S S S S S R R R');
const BATCH_WHEN_CLEAN_DE = /*  */ row('S S S S S S S S S S S R R R R R R R S S S S S');
const BATCH_WHEN_CLEAN = /*     */ row('S S S S S S S R R R R R R R R R R R S S S S S');
const MONTH_END_CLOSE = /*      */ row('S S S S S S S R R R R R R R R R R R R R R S S');
const US_SUPPORT = /*           */ row('R S S S S S S S S S S S S S R R R R R R R R S');
const RUNNING_UNTIL_17Z = /*    */ row('R R R R R R R R R R R R R R R R R S S S S S S');
const STOPPED_UNTIL_10Z = /*    */ row('S S S S S S S S S S S S S R R R S S S S S S S');
const STOPPED_BY_HAND = /*      */ row('S S S S S S S S S S R R M M M M M M M M M M M');
const STARTED_BY_HAND = /*      */ row('S S S S S S S S S S R R R R R R S S S R R R R');
const FOUND_STOPPED = /*        */ row('M M M M M M M M M M R R R R R R S S S S S S S');

type Kind = 'managed' | 'invalid-tag' | 'skipped' | 'untagged';
interface Group {
  readonly name: string;
  readonly region: Region;
  readonly count: number;
  readonly instanceType: string;
  readonly tags: Record<string, string>;
  readonly kind: Kind;
  readonly cells: Cell[];
  readonly spot?: boolean;
  /** Stopped (by someone else) before the scheduler first sees it. */
  readonly stoppedBeforehand?: boolean;
}

const managed = (
  name: string,
  region: Region,
  count: number,
  instanceType: string,
  tags: Record<string, string>,
  cells: Cell[],
  extra: Partial<Group> = {},
): Group => ({ name, region, count, instanceType, tags, kind: 'managed', cells, ...extra });
const leftAlone = (
  name: string,
  region: Region,
  count: number,
  kind: Exclude<Kind, 'managed'>,
  tags: Record<string, string>,
  extra: Partial<Group> = {},
): Group => ({ name, region, count, instanceType: 't3.micro', tags, kind, cells: RUNNING, ...extra });

const ASG = { 'aws:autoscaling:groupName': 'web-asg' };

/** The fleet: 202 instances. */
const FLEET: readonly Group[] = [
  // eu-central-1: live DE readings, threshold 300, resume below 270.
  managed('de-office', 'eu-central-1', 10, 'm5.large', { Schedule: 'office-hours' }, OFFICE_HOURS),
  managed(
    'de-office-display',
    'eu-central-1',
    6,
    'm5.large',
    { Schedule: 'Office Hours + Weekend Shutdown' },
    OFFICE_HOURS,
  ),
  managed('de-office-upper', 'eu-central-1', 3, 'm5.large', { Schedule: 'OFFICE_HOURS' }, OFFICE_HOURS),
  managed('de-office-spaced', 'eu-central-1', 3, 'm5.large', { Schedule: 'office hours' }, OFFICE_HOURS),
  managed('de-extended', 'eu-central-1', 8, 'm5.xlarge', { Schedule: 'extended-dev' }, EXTENDED_DEV),
  managed(
    'de-extended-display',
    'eu-central-1',
    4,
    'm5.xlarge',
    { Schedule: 'Extended Development Hours' },
    EXTENDED_DEV,
  ),
  managed('de-always', 'eu-central-1', 6, 'm5.large', { Schedule: 'always-on' }, RUNNING),
  managed('de-always-display', 'eu-central-1', 3, 'm5.large', { Schedule: '24/7 Always Running' }, RUNNING),
  managed('de-carbon', 'eu-central-1', 10, 'm5.large', { Schedule: 'carbon-aware' }, CARBON_AWARE_DE),
  managed('de-carbon-display', 'eu-central-1', 4, 'm6g.large', { Schedule: 'Carbon-Aware 24/7' }, CARBON_AWARE_DE),
  managed('de-carbon-variant', 'eu-central-1', 3, 'm6g.large', { Schedule: 'Carbon_Aware' }, CARBON_AWARE_DE),
  managed('de-lab', 'eu-central-1', 6, 'm5.xlarge', { Schedule: 'lab-nights' }, LAB_NIGHTS),
  managed('de-batch', 'eu-central-1', 8, 'm6g.large', { Schedule: 'batch-when-clean' }, BATCH_WHEN_CLEAN_DE),
  managed('de-month-end', 'eu-central-1', 6, 'm5.large', { Schedule: 'month-end-close' }, MONTH_END_CLOSE),
  managed(
    'de-override-running-until',
    'eu-central-1',
    3,
    'm5.large',
    { Schedule: 'office-hours', ScheduleOverride: 'running until 2026-06-30T17:00Z' },
    RUNNING_UNTIL_17Z,
  ),
  managed(
    'de-override-stopped-until',
    'eu-central-1',
    3,
    'm5.large',
    { Schedule: 'office-hours', ScheduleOverride: 'stopped until 2026-06-30T12:00+02:00' },
    STOPPED_UNTIL_10Z,
  ),
  managed(
    'de-override-expired',
    'eu-central-1',
    2,
    'm5.large',
    { Schedule: 'office-hours', ScheduleOverride: 'stopped until 2026-06-01T00:00Z' },
    OFFICE_HOURS,
  ),
  managed(
    'de-carbon-override-running',
    'eu-central-1',
    2,
    'm5.large',
    { Schedule: 'carbon-aware', ScheduleOverride: 'running' },
    RUNNING,
  ),
  managed('de-manual-stop', 'eu-central-1', 2, 'm5.large', { Schedule: 'office-hours' }, STOPPED_BY_HAND),
  managed('de-month-end-manual', 'eu-central-1', 2, 'm5.large', { Schedule: 'month-end-close' }, MONTH_END_CLOSE),
  managed('de-manual-start', 'eu-central-1', 2, 'm5.large', { Schedule: 'office-hours' }, STARTED_BY_HAND),
  managed('de-found-stopped', 'eu-central-1', 2, 'm5.large', { Schedule: 'office-hours' }, FOUND_STOPPED, {
    stoppedBeforehand: true,
  }),
  leftAlone('de-unknown', 'eu-central-1', 2, 'invalid-tag', { Schedule: 'office-hourz' }),
  leftAlone('de-bad-override', 'eu-central-1', 2, 'invalid-tag', {
    Schedule: 'office-hours',
    ScheduleOverride: 'stopped until friday',
  }),
  leftAlone('de-bad-override-paused', 'eu-central-1', 1, 'invalid-tag', {
    Schedule: 'carbon-aware',
    ScheduleOverride: 'paused',
  }),
  leftAlone('de-asg', 'eu-central-1', 3, 'skipped', { Schedule: 'office-hours', ...ASG }),
  leftAlone('de-spot', 'eu-central-1', 2, 'skipped', { Schedule: 'carbon-aware' }, { spot: true }),
  leftAlone('de-untagged', 'eu-central-1', 4, 'untagged', { Name: 'bastion' }),
  // us-east-1: live PJM readings (373–436), threshold 450: carbon never pauses.
  managed('us-support', 'us-east-1', 10, 'm5.large', { Schedule: 'us-support' }, US_SUPPORT),
  managed('us-support-variant', 'us-east-1', 2, 'm5.large', { Schedule: 'US Support' }, US_SUPPORT),
  managed('us-office', 'us-east-1', 6, 'm5.large', { Schedule: 'office-hours' }, OFFICE_HOURS),
  managed('us-extended', 'us-east-1', 4, 'm5.xlarge', { Schedule: 'extended-dev' }, EXTENDED_DEV),
  managed('us-carbon', 'us-east-1', 6, 'm5.large', { Schedule: 'carbon-aware' }, RUNNING),
  managed('us-always', 'us-east-1', 3, 'm5.large', { Schedule: 'always-on' }, RUNNING),
  managed('us-batch', 'us-east-1', 4, 'm6g.large', { Schedule: 'batch-when-clean' }, BATCH_WHEN_CLEAN),
  managed('us-month-end', 'us-east-1', 2, 'm5.large', { Schedule: 'month-end-close' }, MONTH_END_CLOSE),
  leftAlone('us-unknown', 'us-east-1', 2, 'invalid-tag', { Schedule: 'follow-the-sun' }),
  leftAlone('us-asg', 'us-east-1', 3, 'skipped', { Schedule: 'us-support', ...ASG }),
  leftAlone('us-spot', 'us-east-1', 2, 'skipped', { Schedule: 'office-hours' }, { spot: true }),
  leftAlone('us-untagged', 'us-east-1', 4, 'untagged', {}),
  // eu-west-1: Electricity Maps refuses IE, so only the static annual average (301 > 250): carbon policies hold.
  managed('ie-carbon', 'eu-west-1', 8, 'm5.large', { Schedule: 'carbon-aware' }, RUNNING),
  managed('ie-batch', 'eu-west-1', 4, 'm6g.large', { Schedule: 'batch-when-clean' }, BATCH_WHEN_CLEAN),
  managed('ie-office', 'eu-west-1', 8, 'm5.large', { Schedule: 'office-hours' }, OFFICE_HOURS),
  managed(
    'ie-office-display',
    'eu-west-1',
    4,
    'm5.large',
    { Schedule: 'office hours + weekend shutdown' },
    OFFICE_HOURS,
  ),
  managed('ie-extended', 'eu-west-1', 4, 'm5.xlarge', { Schedule: 'extended-dev' }, EXTENDED_DEV),
  managed('ie-lab', 'eu-west-1', 4, 'm5.xlarge', { Schedule: 'lab-nights' }, LAB_NIGHTS),
  managed('ie-always', 'eu-west-1', 3, 'm5.large', { Schedule: 'always-on' }, RUNNING),
  managed('ie-month-end', 'eu-west-1', 3, 'm5.large', { Schedule: 'month-end-close' }, MONTH_END_CLOSE),
  leftAlone('ie-spot', 'eu-west-1', 1, 'skipped', { Schedule: 'carbon-aware' }, { spot: true }),
  leftAlone('ie-untagged', 'eu-west-1', 3, 'untagged', {}),
];

/** What people do between ticks: before tick `before`, `action` every instance of `group`. */
const BY_HAND: readonly { before: string; group: string; action: 'stop' | 'start' }[] = [
  { before: 'm', group: 'de-manual-stop', action: 'stop' }, // 08:30Z, during office hours: not restarted
  { before: 'm', group: 'de-month-end-manual', action: 'stop' }, // 08:30Z, enforced: restarted at the next tick
  { before: 't', group: 'de-manual-start', action: 'start' }, // 18:30Z, after office hours: not stopped again
];

/**
 * What the plan's reasons must say, in the wording README.md and docs/scheduler.md show (`!` marks a fragment that
 * must be absent): the carbon story of eu-central-1, the static hold of eu-west-1, and the instances left alone.
 */
const RESUME_LEVEL = 'not below the resume level 270 (threshold 300 − hysteresis 30) → stay paused';
const REASONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  a: {
    'de-office': ['office-hours: stopped', '(stopNewInstances): stop'],
    'ie-carbon': ['301 gCO2e/kWh (static annual average), threshold 250', 'pause-when-dirty holds'],
    'de-unknown': ['Schedule tag "office-hourz": unknown schedule "office-hourz"', 'left as it is'],
    'de-bad-override': ['"stopped until friday"', 'left as it is'],
    'de-asg': ['member of Auto Scaling group "web-asg"'],
    'de-spot': ['spot instance'],
  },
  d: { 'de-carbon': ['303 gCO2e/kWh is above the threshold 300 → pause', 'stop'] },
  e: { 'de-carbon': ['268 gCO2e/kWh', 'threshold 300', 'stay paused', '!→ resume'] },
  f: { 'de-carbon': ['268 gCO2e/kWh', 'resume', '!stay paused'] },
  g: { 'de-carbon': ['301 gCO2e/kWh is above the threshold 300', '!→ pause'] },
  h: {
    'de-carbon': ['is above the threshold 300 → pause'],
    'de-batch': ['is above the threshold 300 → pause'],
    'ie-batch': ['pause-when-dirty holds'],
  },
  j: { 'de-carbon': [RESUME_LEVEL] },
  k: { 'de-batch': [RESUME_LEVEL] },
  l: { 'de-batch': ['233 gCO2e/kWh', 'resume', '!stay paused'] },
};

// ---- Hand-worked consequences of the tables (no product code involved) ----

const tickIndex = (id: string) => TICKS.findIndex((t) => t.id === id);

/** A group's state just before tick `k`: after tick k−1, changed by what people did in between. */
function stateBefore(group: Group, k: number): Cell {
  const hand = BY_HAND.find((h) => h.group === group.name && tickIndex(h.before) === k);
  if (hand) return hand.action === 'stop' ? 'M' : 'R';
  if (k === 0) return group.stoppedBeforehand ? 'M' : 'R';
  return group.cells[k - 1]!;
}

/** The scheduler's action on a group at tick `k`. */
function actionAt(group: Group, k: number): 'start' | 'stop' | 'none' {
  const before = stateBefore(group, k) === 'R';
  const after = group.cells[k] === 'R';
  if (before === after) return 'none';
  return after ? 'start' : 'stop';
}

/** Carbon intensity the scheduler uses in `region` at tick `k` (the fetcher's reading; static IE 301). */
function intensityAt(region: Region, k: number): number {
  if (region === 'eu-west-1') return 301;
  const zone = region === 'eu-central-1' ? 'DE' : 'US-MIDA-PJM';
  return latestAt(zone, new Date(TICKS[k]!.at))!.gCO2ePerKWh;
}

/**
 * Bundled snapshot prices (lambdas/core/ec2/data/prices.generated.ts; ec2instances.info 2024-04-03 for the EU
 * regions, Karpenter's Price List export 2026-07-20 for us-east-1), USD per hour, on-demand Linux.
 */
const USD_PER_HOUR: Record<Region, Record<string, number>> = {
  'eu-central-1': { 'm5.large': 0.115, 'm5.xlarge': 0.23, 'm6g.large': 0.092 },
  'eu-west-1': { 'm5.large': 0.107, 'm5.xlarge': 0.214, 'm6g.large': 0.086 },
  'us-east-1': { 'm5.large': 0.096, 'm5.xlarge': 0.192, 'm6g.large': 0.077 },
};

/**
 * kWh per instance-hour by docs/accounting.md: vCPUs × (minW + 0.5 × (maxW − minW)) × PUE 1.135 ÷ 1000, with CCF's
 * coefficients Skylake (m5) 0.6130 / 4.1042 W and Graviton2 (m6g) 0.4743 / 1.6930 W per vCPU.
 */
const KWH_PER_HOUR: Record<string, number> = {
  'm5.large': (2 * (0.613 + 0.5 * (4.1042 - 0.613)) * 1.135) / 1000, // 4.7172 W → 0.0053540 kWh
  'm5.xlarge': (4 * (0.613 + 0.5 * (4.1042 - 0.613)) * 1.135) / 1000, // 9.4344 W → 0.0107080 kWh
  'm6g.large': (2 * (0.4743 + 0.5 * (1.693 - 0.4743)) * 1.135) / 1000, // 2.1673 W → 0.0024599 kWh
};

interface Savings {
  usd: number;
  gCO2e: number;
  kWh: number;
  stoppedHours: number;
}
const zero = (): Savings => ({ usd: 0, gCO2e: 0, kWh: 0, stoppedHours: 0 });
const add = (a: Savings, b: Savings, times = 1) => {
  a.usd += b.usd * times;
  a.gCO2e += b.gCO2e * times;
  a.kWh += b.kWh * times;
  a.stoppedHours += b.stoppedHours * times;
};

/**
 * docs/scheduler.md: each run adds, per region, the hours since the previous run of the instances the scheduler
 * keeps stopped × price, and × energy × the region's current intensity, to the day (UTC) of the run; an instance's
 * own totals get each stretch when it runs again. Stretches a person caused are not counted (docs/report.md).
 */
function expectedSavings() {
  const byRegionDay = new Map<string, Savings>();
  const closedByGroup = new Map<string, Savings>();
  for (const group of FLEET.filter((g) => g.kind === 'managed')) {
    const closed = zero();
    let open = zero();
    for (let k = 0; k < TICKS.length; k++) {
      if (k > 0 && stateBefore(group, k) === 'S') {
        const hours = (Date.parse(TICKS[k]!.at) - Date.parse(TICKS[k - 1]!.at)) / 3_600_000;
        const kWh = hours * KWH_PER_HOUR[group.instanceType]!;
        const one = {
          usd: hours * USD_PER_HOUR[group.region][group.instanceType]!,
          kWh,
          gCO2e: kWh * intensityAt(group.region, k),
          stoppedHours: hours,
        };
        const key = `${group.region} ${TICKS[k]!.at.slice(0, 10)}`;
        const day = byRegionDay.get(key) ?? zero();
        add(day, one, group.count);
        byRegionDay.set(key, day);
        add(open, one);
      }
      const startedByHand = BY_HAND.some(
        (h) => h.group === group.name && tickIndex(h.before) === k && h.action === 'start',
      );
      if (startedByHand || (stateBefore(group, k) === 'S' && group.cells[k] === 'R')) {
        add(closed, open);
        open = zero();
      }
    }
    closedByGroup.set(group.name, closed);
  }
  return { byRegionDay, closedByGroup };
}

/**
 * The day's totals by region and UTC day, worked out separately (a spreadsheet of the same tables) as a check on
 * the arithmetic above: instance-hours stopped by the scheduler × price, × kWh per hour × intensity of the tick.
 */
const HAND_TOTALS: Record<string, Savings> = {
  'eu-central-1 2026-06-29': { usd: 7.981, gCO2e: 96.999277, kWh: 0.35698247, stoppedHours: 59 },
  'eu-central-1 2026-06-30': { usd: 120.497, gCO2e: 1433.094722, kWh: 5.37564608, stoppedHours: 869.5 },
  'eu-west-1 2026-06-29': { usd: 2.805, gCO2e: 40.027596, kWh: 0.13298205, stoppedHours: 23 },
  'eu-west-1 2026-06-30': { usd: 44.742, gCO2e: 651.679422, kWh: 2.16504791, stoppedHours: 326 },
  'us-east-1 2026-06-29': { usd: 1.844, gCO2e: 41.3274, kWh: 0.09550389, stoppedHours: 16 },
  'us-east-1 2026-06-30': { usd: 33.032, gCO2e: 731.442739, kWh: 1.76885028, stoppedHours: 316 },
};

const stateName = (cell: Cell) => (cell === 'R' ? 'running' : 'stopped');

/** The one value of a group's instances, or the list when they differ. */
const summarise = <T>(values: T[]): T | T[] =>
  values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) ? values[0]! : values;

interface PlanEntry {
  instanceId: string;
  region: string;
  action: string;
  reason: string;
  schedule?: string;
}
interface SchedulerResult {
  status: string;
  plan: PlanEntry[];
  totals: { start: number; stop: number; invalidTags: number; skipped: number };
  calls: { describe: number; start: number; stop: number; modify: number };
  errors: unknown[];
}
interface FetcherResult {
  regions: { region: string; provider: string; origin: string; gCO2ePerKWh: number; fallbackReason?: string }[];
}

describe('Integration: a working day of the deployed scheduler over 202 instances in three regions', () => {
  const API_KEY = 'em-integration-token-7f3a';
  const scheduler = localFunction('Scheduler');
  let clock = new Date(TICKS[0].at);
  let replay: ReplayServer;
  let fetcher: ReturnType<typeof localFunction>;
  const ids = new Map<string, string[]>();
  let lastRun: Invocation<SchedulerResult> | undefined;

  beforeAll(async () => {
    await terminateAll(REGIONS);
    await clearTable();
    await putSecret('carbon-aware-scheduler/electricitymaps', JSON.stringify({ apiKey: API_KEY }));
    replay = await startReplayServer(electricityMapsDayRoutes(() => clock, API_KEY));
    fetcher = localFunction('CarbonFetcher', { extraEnvironment: { ELECTRICITYMAPS_API_URL: replay.url } });
    const images = new Map<string, string>();
    for (const region of REGIONS) images.set(region, await anImage(region));
    for (const group of FLEET) {
      const launched = await launch(group.region, group.count, group.instanceType, group.tags, {
        image: images.get(group.region)!,
        ...(group.spot ? { spot: true } : {}),
      });
      ids.set(group.name, launched);
      if (group.stoppedBeforehand) await byHand(group.region, 'stop', launched);
    }
    expect(FLEET.reduce((n, g) => n + g.count, 0)).toBe(202);
  });

  afterAll(async () => {
    await scheduler.stop();
    await fetcher?.stop();
    await replay?.close();
    await terminateAll(REGIONS);
  });

  it('the hand-worked savings add up to the separately worked totals', () => {
    const { byRegionDay } = expectedSavings();
    expect([...byRegionDay.keys()].sort()).toEqual(Object.keys(HAND_TOTALS).sort());
    for (const [key, hand] of Object.entries(HAND_TOTALS)) {
      const computed = byRegionDay.get(key)!;
      expect(computed.usd, key).toBeCloseTo(hand.usd, 6);
      expect(computed.gCO2e, key).toBeCloseTo(hand.gCO2e, 4);
      expect(computed.kWh, key).toBeCloseTo(hand.kWh, 7);
      expect(computed.stoppedHours, key).toBeCloseTo(hand.stoppedHours, 9);
    }
  });

  for (const [k, tick] of TICKS.entries()) {
    it(`tick ${tick.id} ${tick.at}: ${tick.note}`, async () => {
      for (const hand of BY_HAND.filter((h) => h.before === tick.id)) {
        const group = FLEET.find((g) => g.name === hand.group)!;
        await byHand(group.region, hand.action, ids.get(group.name)!);
      }
      clock = new Date(tick.at);

      if (!('repeat' in tick)) {
        const fetched = await fetcher.invoke<FetcherResult>({}, { at: clock });
        expect(fetched.error).toBeUndefined();
        const byRegion = Object.fromEntries(fetched.result!.regions.map((r) => [r.region, r]));
        expect(byRegion['eu-central-1']).toMatchObject({
          provider: 'electricitymaps',
          origin: 'live',
          gCO2ePerKWh: intensityAt('eu-central-1', k),
        });
        expect(byRegion['us-east-1']).toMatchObject({
          provider: 'electricitymaps',
          origin: 'live',
          gCO2ePerKWh: intensityAt('us-east-1', k),
        });
        expect(byRegion['eu-west-1']).toMatchObject({ provider: 'static', origin: 'static', gCO2ePerKWh: 301 });
        expect(byRegion['eu-west-1']!.fallbackReason).toContain('403');
      }

      const run = await scheduler.invoke<SchedulerResult>({ dryRun: false, confirmRealRun: true }, { at: clock });
      expect(run.error).toBeUndefined();
      lastRun = run;
      const result = run.result!;
      expect(result.errors).toEqual([]);

      // Every instance's EC2 state after the tick.
      const described = new Map<string, string | undefined>();
      for (const region of REGIONS) {
        for (const [id, instance] of await instances(region)) described.set(id, instance.State?.Name);
      }
      const actualStates = Object.fromEntries(
        FLEET.map((g) => [g.name, summarise(ids.get(g.name)!.map((id) => described.get(id)))]),
      );
      const expectedStates = Object.fromEntries(FLEET.map((g) => [g.name, stateName(g.cells[k]!)]));
      expect(actualStates).toEqual(expectedStates);

      // What the run planned for each group; untagged instances are never described.
      const planById = new Map(result.plan.map((p) => [p.instanceId, p]));
      const untagged = FLEET.filter((g) => g.kind === 'untagged').flatMap((g) => ids.get(g.name)!);
      expect(untagged.filter((id) => planById.has(id))).toEqual([]);
      if ('repeat' in tick) {
        expect(result.plan.filter((p) => p.action !== 'none')).toEqual([]);
        expect(result.calls).toMatchObject({ start: 0, stop: 0, modify: 0 });
        return;
      }
      const actualActions = Object.fromEntries(
        FLEET.filter((g) => g.kind !== 'untagged').map((g) => [
          g.name,
          summarise(ids.get(g.name)!.map((id) => planById.get(id)?.action)),
        ]),
      );
      const expectedActions = Object.fromEntries(
        FLEET.filter((g) => g.kind !== 'untagged').map((g) => [g.name, g.kind === 'managed' ? actionAt(g, k) : 'none']),
      );
      expect(actualActions).toEqual(expectedActions);

      for (const [group, fragments] of Object.entries(REASONS[tick.id] ?? {})) {
        const reason = planById.get(ids.get(group)![0]!)?.reason ?? '';
        for (const fragment of fragments) {
          if (fragment.startsWith('!')) expect(reason, `${group} at tick ${tick.id}`).not.toContain(fragment.slice(1));
          else expect(reason, `${group} at tick ${tick.id}`).toContain(fragment);
        }
      }

      const count = (action: 'start' | 'stop', region?: Region) =>
        FLEET.filter(
          (g) => g.kind === 'managed' && (!region || g.region === region) && actionAt(g, k) === action,
        ).reduce((n, g) => n + g.count, 0);
      expect(result.totals).toMatchObject({ start: count('start'), stop: count('stop'), invalidTags: 7, skipped: 11 });
      expect(result.calls).toMatchObject({
        describe: 3,
        start: REGIONS.filter((r) => count('start', r) > 0).length,
        stop: REGIONS.filter((r) => count('stop', r) > 0).length,
        modify: 0,
      });
    });
  }

  it('records one history item per action, with the tick, outcome and intensity', async () => {
    const history = itemsWithPrefix(await tableItems(), 'HISTORY#');
    const byInstance = new Map<string, Record<string, unknown>[]>();
    for (const item of history) {
      const id = String(item.pk).split('#').pop()!;
      byInstance.set(id, [...(byInstance.get(id) ?? []), item]);
    }
    const actual = Object.fromEntries(
      FLEET.map((g) => [
        g.name,
        summarise(
          ids.get(g.name)!.map((id) =>
            (byInstance.get(id) ?? [])
              .map((item) => {
                const sk = String(item.sk);
                const at = new Date(sk.slice(0, sk.lastIndexOf('#'))).toISOString();
                return `${at} ${sk.slice(sk.lastIndexOf('#') + 1)}`;
              })
              .sort(),
          ),
        ),
      ]),
    );
    const expected = Object.fromEntries(
      FLEET.map((g) => [
        g.name,
        g.kind !== 'managed'
          ? []
          : TICKS.flatMap((t, k) => {
              const action = actionAt(g, k);
              return action === 'none' ? [] : [`${new Date(t.at).toISOString()} ${action}`];
            }),
      ]),
    );
    expect(actual).toEqual(expected);

    // Each item: the outcome, the region's intensity at that tick, and a reason naming the schedule.
    for (const g of FLEET.filter((x) => x.kind === 'managed')) {
      for (const id of ids.get(g.name)!) {
        for (const item of byInstance.get(id) ?? []) {
          const sk = String(item.sk);
          const k = TICKS.findIndex((t) => Date.parse(t.at) === Date.parse(sk.slice(0, sk.lastIndexOf('#'))));
          expect(item, `${g.name} ${sk}`).toMatchObject({ outcome: 'ok' });
          // Stored as shown in the reason, to 0.1 g.
          const recorded = Number(item.gCO2ePerKWh) - intensityAt(g.region, k);
          expect(Math.abs(recorded), `${g.name} ${sk} gCO2ePerKWh`).toBeLessThanOrEqual(0.05 + 1e-9);
          expect(String(item.reason), `${g.name} ${sk}`).toMatch(/^[a-z-]+:/);
        }
      }
    }
    // The carbon pauses say why.
    const pause = byInstance.get(ids.get('de-carbon')![0]!)!.find((i) => String(i.sk).startsWith('2026-06-30T03:00'));
    expect(String(pause?.reason)).toContain('303 gCO2e/kWh is above the threshold 300');
  });

  it("adds the day's savings per region and UTC day: stopped instance-hours × price, × energy × intensity", async () => {
    const { byRegionDay } = expectedSavings();
    const items = itemsWithPrefix(await tableItems(), 'SAVINGS#');
    const actual = Object.fromEntries(
      items.map((item) => [
        `${item.sk} ${String(item.pk).slice('SAVINGS#'.length)}`,
        {
          usd: Number(item.usd),
          gCO2e: Number(item.gCO2e),
          kWh: Number(item.kWh),
          stoppedHours: Number(item.stoppedHours),
        },
      ]),
    );
    expect(Object.keys(actual).sort()).toEqual([...byRegionDay.keys()].sort());
    for (const [key, want] of byRegionDay) {
      const got = actual[key]!;
      expect(got.stoppedHours, `${key} stoppedHours`).toBeCloseTo(want.stoppedHours, 6);
      expect(got.usd, `${key} usd`).toBeCloseTo(want.usd, 4);
      expect(got.kWh / want.kWh, `${key} kWh`).toBeCloseTo(1, 4);
      expect(got.gCO2e / want.gCO2e, `${key} gCO2e`).toBeCloseTo(1, 4);
    }

    // The running totals the last run published (dashboard single values): all time, and today (UTC).
    const totals = metricsLogLines(lastRun!.output).filter((doc) => 'Period' in doc);
    const total = totals.find((doc) => doc.Period === 'Total')!;
    const today = totals.find((doc) => doc.Period === 'Today')!;
    const sum = (keys: string[], field: keyof Savings) => keys.reduce((n, key) => n + byRegionDay.get(key)![field], 0);
    const all = [...byRegionDay.keys()];
    const ofToday = all.filter((key) => key.endsWith('2026-06-30'));
    expect(Number(total.CostSavingsTotal)).toBeCloseTo(sum(all, 'usd'), 4);
    expect(Number(total.CarbonAvoidedTotal) / sum(all, 'gCO2e')).toBeCloseTo(1, 4);
    expect(Number(today.CostSavingsTotal)).toBeCloseTo(sum(ofToday, 'usd'), 4);

    // The last tick's per-region metrics: us-support's 12 stops in us-east-1, and the bad tags of each region.
    const perRegion = metricsLogLines(lastRun!.output).filter(
      (doc) => 'Region' in doc && !('Action' in doc || 'State' in doc),
    );
    const metric = (region: Region, name: string) =>
      perRegion.filter((doc) => doc.Region === region && name in doc).reduce((n, doc) => n + Number(doc[name]), 0);
    expect(REGIONS.map((r) => metric(r, 'InstanceShutdown'))).toEqual([0, 0, 12]);
    expect(REGIONS.map((r) => metric(r, 'InstanceStartup'))).toEqual([0, 0, 0]);
    expect(REGIONS.map((r) => metric(r, 'InvalidScheduleTags'))).toEqual([5, 0, 2]);
  });

  it('credits each instance with the stretches it was stopped and ran again', async () => {
    const { closedByGroup } = expectedSavings();
    const records = new Map(
      itemsWithPrefix(await tableItems(), 'INSTANCE#')
        .filter((item) => String(item.sk).startsWith('i-'))
        .map((item) => [String(item.sk), item]),
    );
    const mismatches: string[] = [];
    for (const g of FLEET.filter((x) => x.kind === 'managed')) {
      const want = closedByGroup.get(g.name)!;
      for (const id of ids.get(g.name)!) {
        const got = records.get(id);
        const hours = Number(got?.stoppedHours ?? 0);
        const usd = Number(got?.savedUsd ?? 0);
        const grams = Number(got?.savedGCO2e ?? 0);
        const gramsOk = want.gCO2e === 0 ? grams === 0 : Math.abs(grams / want.gCO2e - 1) < 1e-4;
        if (Math.abs(hours - want.stoppedHours) > 1e-6 || Math.abs(usd - want.usd) > 1e-6 || !gramsOk) {
          mismatches.push(
            `${g.name} ${id}: stoppedHours ${hours} savedUsd ${usd} savedGCO2e ${grams}; ` +
              `expected ${want.stoppedHours} h, $${want.usd.toFixed(6)}, ${want.gCO2e.toFixed(4)} g`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
