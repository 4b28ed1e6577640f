import { DescribeInstanceTypesCommand, type EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { type Clock, systemClock } from '../../core/clock';
import {
  type CpuArchitecture,
  type InstanceSpecs,
  makeInstanceSpecs,
  parseInstanceType,
  familySizes as snapshotFamilySizes,
  instanceSpecs as snapshotSpecs,
} from '../../core/ec2/instance-specs';

/** Families per DescribeInstanceTypes call (values of one `instance-type` filter, `m5.*`). */
const FAMILIES_PER_CALL = 50;

/** What {@link InstanceTypeCatalog.load} did for one region. */
export interface CatalogLoadReport {
  /** Families described by EC2 in this call (not from the cache). */
  readonly described: number;
  /** Families answered from the cache. */
  readonly cached: number;
  /** DescribeInstanceTypes calls made (pages included). */
  readonly calls: number;
  /** Set when DescribeInstanceTypes failed: those families use the bundled snapshot. */
  readonly fallback?: { readonly families: readonly string[]; readonly reason: string };
}

/** Convert one DescribeInstanceTypes entry (enriched with the snapshot's generation and microarchitecture). */
export function specsFromInstanceTypeInfo(info: InstanceTypeInfo): InstanceSpecs | undefined {
  const type = info.InstanceType;
  const vcpu = info.VCpuInfo?.DefaultVCpus;
  const mib = info.MemoryInfo?.SizeInMiB;
  if (!type || !parseInstanceType(type) || vcpu === undefined || mib === undefined) return undefined;
  const archs = info.ProcessorInfo?.SupportedArchitectures ?? [];
  const arch: CpuArchitecture = archs.includes('arm64') || archs.includes('arm64_mac') ? 'arm64' : 'x86_64';
  const known = snapshotSpecs(type);
  return makeInstanceSpecs({
    instanceType: type,
    vcpu,
    memoryGiB: mib / 1024,
    arch,
    generation: known?.generation,
    processorFamily: info.ProcessorInfo?.Manufacturer ?? known?.processorFamily ?? '',
    processor: known?.processor,
    microarchitectures: known?.microarchitectures ?? [],
    microarchitectureSource: known?.microarchitectureSource ?? 'describe-instance-types',
  });
}

/**
 * Instance type facts per region from `ec2:DescribeInstanceTypes` (the sizes of each family actually offered in the
 * region), cached in memory per (region, family) for `ttlMinutes`, with the bundled snapshot as fallback when the
 * call fails. Use one catalog at module scope so warm Lambda invocations reuse it.
 *
 * Call `await catalog.load(region, families)` once per run, then the synchronous `familySizes` / `specs`.
 */
export class InstanceTypeCatalog {
  private readonly cache = new Map<string, { sizes: InstanceSpecs[]; fetchedAtMs: number }>();
  private readonly clientFor: (region: string) => EC2Client;
  private readonly ttlMs: number;
  private readonly clock: Clock;
  /** DescribeInstanceTypes calls so far (for logs, tests and benchmarks). */
  calls = 0;

  constructor(options: { clientFor: (region: string) => EC2Client; ttlMinutes?: number; clock?: Clock }) {
    this.clientFor = options.clientFor;
    this.ttlMs = (options.ttlMinutes ?? 24 * 60) * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Describe the families not cached yet (`m5` → filter `instance-type=m5.*`, paginated). Never throws. */
  async load(region: string, families: Iterable<string>): Promise<CatalogLoadReport> {
    const nowMs = this.clock().getTime();
    const todo: string[] = [];
    let cached = 0;
    for (const family of new Set(families)) {
      const entry = this.cache.get(`${region}/${family}`);
      if (entry && nowMs - entry.fetchedAtMs < this.ttlMs) cached += 1;
      else todo.push(family);
    }
    const callsBefore = this.calls;
    try {
      for (let i = 0; i < todo.length; i += FAMILIES_PER_CALL) {
        const chunk = todo.slice(i, i + FAMILIES_PER_CALL);
        const found = new Map<string, InstanceSpecs[]>(chunk.map((f) => [f, []]));
        let nextToken: string | undefined;
        do {
          this.calls += 1;
          const response = await this.clientFor(region).send(
            new DescribeInstanceTypesCommand({
              Filters: [{ Name: 'instance-type', Values: chunk.map((f) => `${f}.*`) }],
              MaxResults: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const info of response.InstanceTypes ?? []) {
            const specs = specsFromInstanceTypeInfo(info);
            if (specs) found.get(specs.family)?.push(specs);
          }
          nextToken = response.NextToken;
        } while (nextToken);
        for (const [family, sizes] of found) this.cache.set(`${region}/${family}`, { sizes, fetchedAtMs: nowMs });
      }
    } catch (error) {
      const described = new Set(todo.filter((f) => this.cache.get(`${region}/${f}`)?.fetchedAtMs === nowMs));
      return {
        described: described.size,
        cached,
        calls: this.calls - callsBefore,
        fallback: {
          families: todo.filter((f) => !described.has(f)),
          reason: `DescribeInstanceTypes failed (${(error as Error).name}: ${(error as Error).message}); using the bundled snapshot`,
        },
      };
    }
    return { described: todo.length, cached, calls: this.calls - callsBefore };
  }

  /** Sizes of `family` offered in `region` (described), else from the bundled snapshot. */
  familySizes(region: string, family: string): InstanceSpecs[] {
    return this.cache.get(`${region}/${family}`)?.sizes ?? snapshotFamilySizes(family);
  }

  /** Facts of one type: described in `region` when loaded, else the snapshot; undefined when neither knows it. */
  specs(
    region: string,
    instanceType: string,
  ): { specs: InstanceSpecs; source: 'describe-instance-types' | 'snapshot' } | undefined {
    const parsed = parseInstanceType(instanceType);
    const described = parsed ? this.cache.get(`${region}/${parsed.family}`)?.sizes : undefined;
    const fromEc2 = described?.find((s) => s.instanceType === instanceType);
    if (fromEc2) return { specs: fromEc2, source: 'describe-instance-types' };
    const fromSnapshot = snapshotSpecs(instanceType);
    return fromSnapshot ? { specs: fromSnapshot, source: 'snapshot' } : undefined;
  }
}
