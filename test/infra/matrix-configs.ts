import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../lib/paths';

/**
 * The configurations the config matrix synthesizes: sizes a real user reaches (1, 3, 8 and 16 managed regions, 12
 * worker regions, 30 schedules of the kinds teams write) and every example configuration shipped in the repository.
 */

/** 16 commercial regions on five continents, the home region first. */
export const SIXTEEN_REGIONS = [
  'eu-central-1',
  'eu-west-1',
  'us-east-1',
  'ap-southeast-2',
  'eu-west-2',
  'eu-north-1',
  'us-west-2',
  'ap-northeast-1',
  'eu-west-3',
  'us-east-2',
  'ca-central-1',
  'sa-east-1',
  'ap-south-1',
  'ap-southeast-1',
  'eu-south-1',
  'af-south-1',
];

/** 12 worker regions: the clean European grids first, then the other continents. */
export const TWELVE_WORKER_REGIONS = [
  'eu-north-1',
  'eu-west-3',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-south-2',
  'ca-central-1',
  'us-east-1',
  'us-west-2',
  'sa-east-1',
  'ap-southeast-2',
  'ap-northeast-1',
];

const TEAMS = [
  { team: 'berlin-dev', timezone: 'Europe/Berlin', holidays: ['2026-12-24/2026-12-26', '2026-12-31', '2027-01-01'] },
  { team: 'dublin-qa', timezone: 'Europe/Dublin', holidays: ['2026-03-17', '2026-12-25/2026-12-26'] },
  { team: 'nyc-data', timezone: 'America/New_York', holidays: ['2026-07-03', '2026-11-26/2026-11-27'] },
  { team: 'sydney-support', timezone: 'Australia/Sydney', holidays: ['2026-01-26', '2026-04-25'] },
  { team: 'tokyo-ml', timezone: 'Asia/Tokyo', holidays: ['2026-04-29/2026-05-05'] },
  { team: 'sao-paulo-ops', timezone: 'America/Sao_Paulo', holidays: ['2026-02-16/2026-02-17'] },
];

/** Six kinds of schedule, as teams write them: office hours, nightly batch, weekend work, and so on. */
const KINDS: ((t: (typeof TEAMS)[number]) => Record<string, unknown>)[] = [
  (t) => ({
    name: `${t.team}-office`,
    timezone: t.timezone,
    description: 'Workstations and dev servers, office hours only',
    periods: [{ name: 'office', begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
    exceptions: t.holidays,
    hibernate: true,
  }),
  (t) => ({
    name: `${t.team}-nightly-batch`,
    timezone: t.timezone,
    periods: [{ name: 'night', begintime: '22:00', endtime: '06:00', weekdays: 'mon-fri' }],
    carbonPolicy: 'defer-start',
    maxDeferMinutes: 180,
    exceptions: t.holidays,
  }),
  (t) => ({
    name: `${t.team}-extended`,
    timezone: t.timezone,
    periods: [
      { name: 'weekdays', begintime: '07:00', endtime: '22:00', weekdays: 'mon-fri' },
      { name: 'saturday', begintime: '09:00', endtime: '13:00', weekdays: 'sat', instanceType: 't3.medium' },
    ],
    retainRunning: true,
  }),
  (t) => ({
    name: `${t.team}-ci-runners`,
    timezone: t.timezone,
    periods: [{ name: 'always', begintime: '00:00', endtime: '24:00' }],
    carbonPolicy: 'pause-when-dirty',
  }),
  (t) => ({
    name: `${t.team}-month-end`,
    timezone: t.timezone,
    periods: [
      { name: 'close', monthdays: 'LW', begintime: '06:00', endtime: '24:00', instanceType: 'm7g.2xlarge' },
      { name: 'first-days', monthdays: '1-3', begintime: '06:00', endtime: '20:00' },
    ],
    enforced: true,
  }),
  (t) => ({
    name: `${t.team}-weekend-maintenance`,
    timezone: t.timezone,
    periods: [
      { name: 'patching', begintime: '01:00', endtime: '05:00', weekdays: 'sun#1,sun#3' },
      { name: 'quarterly', begintime: '20:00', endtime: '04:00', weekdays: 'fri', months: 'jan/3' },
    ],
    stopNewInstances: false,
  }),
];

/** 30 schedules: five of the six kinds for each of six teams in their own time zones. */
export function thirtySchedules(): Record<string, unknown>[] {
  return TEAMS.flatMap((team, t) => KINDS.filter((_, k) => k !== t % KINDS.length).map((kind) => kind(team)));
}

/** One configuration of the matrix. */
export interface MatrixConfig {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** Example configurations shipped in the repository: the root example and every `*.config.json` in examples/. */
export function exampleConfigs(): MatrixConfig[] {
  const files = [
    'carbon-scheduler.config.example.json',
    ...readdirSync(join(repositoryRoot, 'examples'))
      .filter((f) => f.endsWith('.config.json'))
      .sort()
      .map((f) => `examples/${f}`),
  ];
  return files.map((file) => ({
    name: file,
    input: JSON.parse(readFileSync(join(repositoryRoot, file), 'utf8')) as Record<string, unknown>,
  }));
}

const liveData = { secrets: { electricitymaps: 'prod/electricitymaps', watttime: 'prod/watttime' } };

/** Every configuration of the matrix. */
export function matrixConfigs(): MatrixConfig[] {
  return [
    { name: '1 managed region (defaults)', input: {} },
    {
      name: '3 managed regions',
      input: { managedRegions: SIXTEEN_REGIONS.slice(0, 3), carbon: liveData, alarms: { emails: ['ops@example.com'] } },
    },
    { name: '8 managed regions', input: { managedRegions: SIXTEEN_REGIONS.slice(0, 8), carbon: liveData } },
    {
      name: '16 managed regions',
      input: {
        managedRegions: SIXTEEN_REGIONS,
        carbon: liveData,
        ebsKmsKeyArns: SIXTEEN_REGIONS.slice(0, 4).map(
          (region, i) => `arn:aws:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-12345678900${i}`,
        ),
        alarms: { emails: ['ops@example.com', 'finops@example.com'] },
      },
    },
    {
      name: '12 worker regions',
      input: { workerRegions: TWELVE_WORKER_REGIONS, managedRegions: ['eu-central-1', 'us-east-1'], carbon: liveData },
    },
    {
      name: '30 custom schedules',
      input: {
        managedRegions: ['eu-central-1', 'eu-west-1', 'us-east-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'],
        timezone: 'Europe/Berlin',
        schedules: thirtySchedules(),
        carbon: liveData,
      },
    },
    ...exampleConfigs(),
  ];
}
