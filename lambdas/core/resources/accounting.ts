import { instanceEnergyKWh } from '../accounting/energy';
import type { PriceBook, PriceQuote } from '../accounting/price-book';
import { instanceSpecs } from '../ec2/instance-specs';
import { RDS_ON_DEMAND_PRICES, RDS_PRICES_AS_OF } from './data/rds-prices.generated';
import type { Resource } from './types';

/**
 * Cost and energy of an hour of a resource running (docs/accounting.md, "RDS, Aurora and Auto Scaling groups"):
 * - EC2 instance: its on-demand price and the Cloud Carbon Footprint CPU model;
 * - RDS DB instance: the RDS on-demand price of its class, engine, licence and deployment (Single-AZ / Multi-AZ);
 *   energy: the CPU model of the EC2 instance type of the same name (`db.m5.large` runs as an `m5.large`: the RDS
 *   classes are EC2 instance types with the same vCPUs and processors), twice for Multi-AZ (the standby runs too);
 * - DB cluster: the sum over its member instances (Aurora prices each instance), when their classes are known;
 * - Auto Scaling group: the sum over its instances' EC2 prices and energy (a group at zero has no instances, so
 *   its hour is not estimated until it runs).
 * Anything unknown is reported as not estimated, with why: never a made-up number.
 */

/** Price List attributes of an RDS engine. */
export interface RdsPriceListEngine {
  /** `databaseEngine`: `MySQL`, `PostgreSQL`, `MariaDB`, `Oracle`, `SQL Server`, `Db2`, `Aurora MySQL`, `Aurora PostgreSQL`. */
  readonly databaseEngine: string;
  /** `databaseEdition` (Oracle, SQL Server, Db2), e.g. `Standard Two`, `Enterprise`, `Web`, `Express`. */
  readonly databaseEdition?: string;
  /** `licenseModel`: `No license required`, `License included`, `Bring your own license`. */
  readonly licenseModel: string;
}

const EDITIONS: Readonly<Record<string, string>> = {
  ee: 'Enterprise',
  se: 'Standard',
  se1: 'Standard One',
  se2: 'Standard Two',
  ex: 'Express',
  web: 'Web',
  ae: 'Advanced',
};

/**
 * The Price List attributes of an RDS API engine (`postgres`, `aurora-mysql`, `sqlserver-se`, `oracle-se2`, …).
 * @param licenseModel DescribeDBInstances `LicenseModel` (`license-included`, `bring-your-own-license`, …)
 * @returns undefined for engines without RDS Price List products here (Neptune, DocumentDB: their own services)
 */
export function rdsPriceListEngine(engine: string, licenseModel?: string): RdsPriceListEngine | undefined {
  const e = engine.toLowerCase();
  const license =
    licenseModel === 'bring-your-own-license'
      ? 'Bring your own license'
      : licenseModel === 'license-included'
        ? 'License included'
        : undefined;
  if (e === 'mysql') return { databaseEngine: 'MySQL', licenseModel: 'No license required' };
  if (e === 'mariadb') return { databaseEngine: 'MariaDB', licenseModel: 'No license required' };
  if (e === 'postgres') return { databaseEngine: 'PostgreSQL', licenseModel: 'No license required' };
  if (e === 'aurora' || e === 'aurora-mysql')
    return { databaseEngine: 'Aurora MySQL', licenseModel: 'No license required' };
  if (e === 'aurora-postgresql') return { databaseEngine: 'Aurora PostgreSQL', licenseModel: 'No license required' };
  const edition = /^(oracle|sqlserver|db2)-([a-z0-9]+)$/.exec(e);
  if (edition) {
    const databaseEngine = edition[1] === 'oracle' ? 'Oracle' : edition[1] === 'sqlserver' ? 'SQL Server' : 'Db2';
    const databaseEdition = EDITIONS[edition[2]!] ?? edition[2]!;
    return {
      databaseEngine,
      databaseEdition,
      licenseModel: license ?? (databaseEngine === 'SQL Server' ? 'License included' : 'Bring your own license'),
    };
  }
  return undefined;
}

/** One DB instance-hour to price. */
export interface RdsPriceQuery {
  readonly region: string;
  /** e.g. `db.m5.large`. */
  readonly instanceClass: string;
  /** RDS API engine, e.g. `postgres`, `aurora-mysql`. */
  readonly engine: string;
  readonly multiAZ: boolean;
  readonly licenseModel?: string;
  /** Aurora cluster storage: `aurora` (standard) or `aurora-iopt1` (I/O-Optimized, higher instance prices). */
  readonly storageType?: string;
}

/** RDS on-demand prices. Lookups are synchronous; adapters that call AWS fetch ahead. */
export interface RdsPriceBook {
  usdPerHour(query: RdsPriceQuery): PriceQuote | undefined;
}

/**
 * The bundled RDS price snapshot (lambdas/core/resources/data/rds-prices.generated.ts, derived by
 * scripts/derive-rds-prices.py): Single-AZ MySQL, MariaDB and PostgreSQL and Aurora standard-storage prices of the
 * db.t3, db.m5 and db.r5 classes in the seven regions of the default carbon thresholds. Everything else (Multi-AZ,
 * licensed engines, Graviton and newer classes, other regions, I/O-Optimized Aurora) answers undefined: not priced.
 */
export function snapshotRdsPriceBook(): RdsPriceBook {
  return {
    usdPerHour(query) {
      if (query.multiAZ && !query.engine.startsWith('aurora')) return undefined;
      if (query.storageType === 'aurora-iopt1') return undefined;
      const engine = rdsPriceListEngine(query.engine, query.licenseModel);
      if (engine?.licenseModel !== 'No license required') return undefined;
      const usdPerHour = RDS_ON_DEMAND_PRICES[query.region]?.[engine.databaseEngine]?.[query.instanceClass];
      return usdPerHour === undefined ? undefined : { usdPerHour, source: 'snapshot', asOf: RDS_PRICES_AS_OF };
    },
  };
}

/** A price book that knows no RDS price (the CLI's `--no-prices`, tests). */
export const NO_RDS_PRICES: RdsPriceBook = { usdPerHour: () => undefined };

/** The EC2 instance type an RDS DB instance class runs as (`db.m5.large` → `m5.large`), when the model knows it. */
export function ec2TwinOf(instanceClass: string): string | undefined {
  const twin = instanceClass.replace(/^db\./, '');
  return twin !== instanceClass && instanceSpecs(twin) !== undefined ? twin : undefined;
}

/** What an hour of a resource running costs and draws, as far as it can be estimated. */
export interface ResourceHour {
  /** On-demand USD per hour; undefined when not estimated (see `notes`). */
  readonly usdPerHour?: number;
  /** Grid energy per hour, kWh (PUE included); undefined when not estimated. */
  readonly kWhPerHour?: number;
  /** Why a part is not estimated (empty when both are). */
  readonly notes: readonly string[];
  /** Where the prices come from (`snapshot`, `price-list-api`, `override`), when priced. */
  readonly priceSource?: PriceQuote['source'];
}

/** Price books and PUE for {@link resourceHour}. */
export interface ResourceAccountingInput {
  readonly ec2Prices: PriceBook;
  readonly rdsPrices: RdsPriceBook;
  readonly pue: number;
}

function sum(values: readonly (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((total, v) => total + v!, 0);
}

function ec2Hour(
  type: string,
  region: string,
  input: ResourceAccountingInput,
): { usd?: number; kWh?: number; source?: PriceQuote['source'] } {
  const price = input.ec2Prices.usdPerHour(region, type);
  const kWh = instanceSpecs(type) ? instanceEnergyKWh(type, 1, { pue: input.pue }) : undefined;
  return {
    ...(price ? { usd: price.usdPerHour, source: price.source } : {}),
    ...(kWh !== undefined ? { kWh } : {}),
  };
}

function dbHour(
  query: RdsPriceQuery,
  input: ResourceAccountingInput,
): { usd?: number; kWh?: number; source?: PriceQuote['source'] } {
  const price = input.rdsPrices.usdPerHour(query);
  const twin = ec2TwinOf(query.instanceClass);
  const hosts = query.multiAZ && !query.engine.startsWith('aurora') ? 2 : 1;
  const kWh = twin ? hosts * instanceEnergyKWh(twin, 1, { pue: input.pue }) : undefined;
  return {
    ...(price ? { usd: price.usdPerHour, source: price.source } : {}),
    ...(kWh !== undefined ? { kWh } : {}),
  };
}

/**
 * The cost and energy of one hour of `resource` running (what an hour stopped avoids). Never throws.
 */
export function resourceHour(resource: Resource, input: ResourceAccountingInput): ResourceHour {
  const notes: string[] = [];
  let parts: { usd?: number; kWh?: number; source?: PriceQuote['source'] }[] = [];
  switch (resource.type) {
    case 'ec2-instance':
      parts = [ec2Hour(resource.instance.instanceType, resource.region, input)];
      break;
    case 'rds-instance':
      parts = [
        dbHour(
          {
            region: resource.region,
            instanceClass: resource.instanceClass,
            engine: resource.engine,
            multiAZ: resource.multiAZ,
            ...(resource.licenseModel ? { licenseModel: resource.licenseModel } : {}),
          },
          input,
        ),
      ];
      break;
    case 'rds-cluster': {
      if (resource.members.length === 0) {
        notes.push('the cluster has no instances');
        break;
      }
      if (resource.members.some((m) => m.instanceClass === undefined)) {
        notes.push("the classes of the cluster's instances are unknown (describe its DB instances too)");
        break;
      }
      parts = resource.members.map((member) =>
        dbHour(
          {
            region: resource.region,
            instanceClass: member.instanceClass!,
            engine: resource.engine,
            multiAZ: false,
            ...(resource.storageType ? { storageType: resource.storageType } : {}),
          },
          input,
        ),
      );
      break;
    }
    default: {
      if (resource.instances.length === 0) {
        notes.push('the group has no instances, so their types are unknown until it runs');
        break;
      }
      if (resource.instances.some((i) => i.instanceType === undefined)) {
        notes.push("the types of the group's instances are unknown");
        break;
      }
      parts = resource.instances.map((i) => ec2Hour(i.instanceType!, resource.region, input));
    }
  }
  if (parts.length === 0) return { notes };
  const usd = sum(parts.map((p) => p.usd));
  const kWh = sum(parts.map((p) => p.kWh));
  if (usd === undefined)
    notes.push(`no on-demand price for ${describe(resource)} in ${resource.region} (not estimated)`);
  if (kWh === undefined) notes.push(`no energy model for ${describe(resource)} (not estimated)`);
  const source = parts.find((p) => p.source)?.source;
  return {
    ...(usd !== undefined ? { usdPerHour: usd } : {}),
    ...(kWh !== undefined ? { kWhPerHour: kWh } : {}),
    notes,
    ...(usd !== undefined && source ? { priceSource: source } : {}),
  };
}

function describe(resource: Resource): string {
  switch (resource.type) {
    case 'ec2-instance':
      return resource.instance.instanceType;
    case 'rds-instance':
      return `${resource.instanceClass} (${resource.engine}${resource.multiAZ ? ', Multi-AZ' : ''})`;
    case 'rds-cluster':
      return `the instances of ${resource.id} (${resource.engine})`;
    default:
      return `the instances of ${resource.id}`;
  }
}
