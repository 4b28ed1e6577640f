/**
 * The product's single DynamoDB table: key attribute names and the key prefix of every item type
 * (docs/data-model.md lists each item, its keys, its writer and its lifetime). Every read is a GetItem or a Query
 * on a known partition, never a Scan.
 */

/** Partition key `pk` (string), sort key `sk` (string), TTL attribute `expiresAt` (epoch seconds). */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttl: 'expiresAt' } as const;

/**
 * Partition key prefixes. No prefix is a prefix of another (`SAVINGS#` / `SAVINGS_TOTAL#`, `JOB#` / `JOBS#`), so a
 * `begins_with` condition on one never matches another's items.
 */
export const KEY_PREFIX = {
  /** `CARBON#<region>`: latest reading, readings and forecasts of a region. */
  carbon: 'CARBON#',
  /** `INSTANCE#<region>`: scheduler state of each instance of a region, and the region's run record. */
  instance: 'INSTANCE#',
  /** `HISTORY#<region>#<instanceId>`: the actions the scheduler took on an instance. */
  history: 'HISTORY#',
  /** `RESOURCE#<region>`: scheduler state of each RDS DB instance, DB cluster and Auto Scaling group (`<type>/<id>`). */
  resource: 'RESOURCE#',
  /** `RESOURCE_HISTORY#<region>#<type>/<id>`: the actions the scheduler took on such a resource. */
  resourceHistory: 'RESOURCE_HISTORY#',
  /** `SAVINGS#<yyyy-mm-dd>`: savings of one UTC day, one item per region. */
  savings: 'SAVINGS#',
  /** `SAVINGS_TOTAL#DAY#<yyyy-mm-dd>`, `SAVINGS_TOTAL#MONTH#<yyyy-mm>`, `SAVINGS_TOTAL#ALL`: running totals. */
  savingsTotal: 'SAVINGS_TOTAL#',
  /** `RIGHTSIZING#<region>`: recommendations and pending-apply markers of a region. */
  rightsizing: 'RIGHTSIZING#',
  /** `JOB#<jobId>`: a dispatch decision and its outcome. */
  job: 'JOB#',
  /** `JOBS#<yyyy-mm-dd>`: the day index of dispatch decisions. */
  jobDay: 'JOBS#',
} as const;

export type KeyPrefixName = keyof typeof KEY_PREFIX;

/** The scheduler's run lease: one item with this exact key. */
export const LEASE_KEY = { pk: 'LEASE', sk: 'scheduler' } as const;
