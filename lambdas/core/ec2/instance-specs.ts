import { INSTANCE_SPECS_TABLE } from './data/instance-specs.generated';

/** CPU architecture as EC2 names it (`DescribeInstanceTypes` ProcessorInfo.SupportedArchitectures, AMI Architecture). */
export type CpuArchitecture = 'x86_64' | 'arm64';

/** How the processor microarchitecture(s) of a type were found (see scripts/derive-ec2-data.py). */
export type MicroarchitectureSource =
  | 'ccf-instance-list'
  | 'ccf-platform'
  | 'processor-name'
  | 'family-rule'
  | 'describe-instance-types'
  | 'none';

/** Static facts about one EC2 instance type. */
export interface InstanceSpecs {
  /** e.g. `m5.large`. */
  readonly instanceType: string;
  /** The part before the dot, e.g. `m5`, `c7i-flex`, `u-6tb1`. */
  readonly family: string;
  /** The part after the dot, e.g. `large`, `metal-24xl`. */
  readonly size: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly arch: CpuArchitecture;
  /** Family generation digit (5 for m5), undefined when the source gives none (mac, u-*). */
  readonly generation: number | undefined;
  /** Processor maker: `Intel`, `AMD`, `AWS Graviton`, `Apple` (empty string when unknown). */
  readonly processorFamily: string;
  /** Physical processor name, e.g. `Intel Xeon Platinum 8175`; undefined for types released after 2023-08. */
  readonly processor: string | undefined;
  /**
   * Processor microarchitecture(s) as Cloud Carbon Footprint names them (`Skylake`, `Graviton3`, `EPYC 3rd Gen`);
   * several when CCF lists several (their coefficients are averaged); empty when unknown.
   */
  readonly microarchitectures: readonly string[];
  readonly microarchitectureSource: MicroarchitectureSource;
  /** True for burstable families (CPU credits): t1, t2, t3, t3a, t4g and later `t` families. */
  readonly burstable: boolean;
  /** True for bare-metal sizes (`metal`, `metal-24xl`). */
  readonly metal: boolean;
}

/** An instance type the bundled snapshot (and, where consulted, DescribeInstanceTypes) does not know. */
export class UnknownInstanceTypeError extends Error {
  constructor(readonly instanceType: string) {
    super(
      `unknown EC2 instance type ${JSON.stringify(instanceType)}: not in the bundled instance specs; ` +
        'expected a type such as "m5.large" (see lambdas/core/ec2/data/instance-specs.generated.ts)',
    );
    this.name = 'UnknownInstanceTypeError';
  }
}

/** A string that is not shaped like an instance type (`family.size`). */
export class InvalidInstanceTypeError extends Error {
  constructor(readonly instanceType: string) {
    super(`${JSON.stringify(instanceType)} is not an EC2 instance type; expected "<family>.<size>" such as "m5.large"`);
    this.name = 'InvalidInstanceTypeError';
  }
}

const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/;

/**
 * Split an instance type into family and size: `m5.large` → `{ family: 'm5', size: 'large' }`.
 * @returns undefined when `instanceType` is not `<family>.<size>` (lower-case letters, digits, dashes)
 */
export function parseInstanceType(instanceType: string): { family: string; size: string } | undefined {
  const match = INSTANCE_TYPE.exec(instanceType);
  if (!match) return undefined;
  return { family: match[1]!, size: match[2]! };
}

/**
 * True for burstable (CPU-credit) families: `t` followed by a generation digit (t1, t2, t3, t3a, t4g).
 */
export function isBurstableFamily(family: string): boolean {
  return /^t\d[a-z]*$/.test(family);
}

/** Build specs from raw facts (used by the snapshot parser and the DescribeInstanceTypes adapter). */
export function makeInstanceSpecs(fields: {
  instanceType: string;
  vcpu: number;
  memoryGiB: number;
  arch: CpuArchitecture;
  generation?: number | undefined;
  processorFamily?: string;
  processor?: string | undefined;
  microarchitectures?: readonly string[];
  microarchitectureSource?: MicroarchitectureSource;
}): InstanceSpecs {
  const parsed = parseInstanceType(fields.instanceType);
  if (!parsed) throw new InvalidInstanceTypeError(fields.instanceType);
  return {
    instanceType: fields.instanceType,
    family: parsed.family,
    size: parsed.size,
    vcpu: fields.vcpu,
    memoryGiB: fields.memoryGiB,
    arch: fields.arch,
    generation: fields.generation,
    processorFamily: fields.processorFamily ?? '',
    processor: fields.processor,
    microarchitectures: fields.microarchitectures ?? [],
    microarchitectureSource: fields.microarchitectureSource ?? 'none',
    burstable: isBurstableFamily(parsed.family),
    metal: parsed.size.startsWith('metal'),
  };
}

let bySnapshot: Map<string, InstanceSpecs> | undefined;
let byFamily: Map<string, InstanceSpecs[]> | undefined;

function table(): Map<string, InstanceSpecs> {
  if (bySnapshot) return bySnapshot;
  const map = new Map<string, InstanceSpecs>();
  for (const line of INSTANCE_SPECS_TABLE.split('\n')) {
    if (line === '') continue;
    const [type, vcpu, memory, arch, generation, processorFamily, processor, archs, source] = line.split('|');
    map.set(
      type!,
      makeInstanceSpecs({
        instanceType: type!,
        vcpu: Number(vcpu),
        memoryGiB: Number(memory),
        arch: arch as CpuArchitecture,
        generation: generation ? Number(generation) : undefined,
        processorFamily: processorFamily ?? '',
        processor: processor || undefined,
        microarchitectures: archs ? archs.split(';') : [],
        microarchitectureSource: source as MicroarchitectureSource,
      }),
    );
  }
  bySnapshot = map;
  return map;
}

/**
 * Specs of `instanceType` from the bundled snapshot (1,394 types; see NOTICE for sources).
 * @returns undefined for a type the snapshot does not know (never throws)
 */
export function instanceSpecs(instanceType: string): InstanceSpecs | undefined {
  return table().get(instanceType);
}

/**
 * Specs of `instanceType` from the bundled snapshot.
 * @throws {UnknownInstanceTypeError} when the snapshot does not know the type
 */
export function requireInstanceSpecs(instanceType: string): InstanceSpecs {
  const specs = instanceSpecs(instanceType);
  if (!specs) throw new UnknownInstanceTypeError(instanceType);
  return specs;
}

/** Every instance type in the bundled snapshot, sorted. */
export function knownInstanceTypes(): string[] {
  return [...table().keys()].sort();
}

/**
 * Every type of `family` in the bundled snapshot, ordered by vCPU, then memory, then non-metal before metal
 * (`m5` → m5.large, m5.xlarge, …, m5.24xlarge, m5.metal). Empty for an unknown family.
 */
export function familySizes(family: string): InstanceSpecs[] {
  if (!byFamily) {
    const groups = new Map<string, InstanceSpecs[]>();
    for (const specs of table().values()) {
      const list = groups.get(specs.family) ?? [];
      list.push(specs);
      groups.set(specs.family, list);
    }
    for (const list of groups.values()) list.sort(compareBySize);
    byFamily = groups;
  }
  return [...(byFamily.get(family) ?? [])];
}

/** Order for sizes within a family: vCPU, then memory, then non-metal first, then name. */
export function compareBySize(a: InstanceSpecs, b: InstanceSpecs): number {
  return (
    a.vcpu - b.vcpu ||
    a.memoryGiB - b.memoryGiB ||
    Number(a.metal) - Number(b.metal) ||
    a.instanceType.localeCompare(b.instanceType)
  );
}

/**
 * The arm64 (Graviton) families that correspond to an x86_64 family, newest Graviton generation first: the same
 * class letters with a `g` (`m5` → `m8g`, `m7g`, `m6g` as far as the snapshot has them), keeping a local-disk `d`
 * suffix (`m5d` → `m8gd`, …). Burstable `t2`/`t3`/`t3a` map to `t4g`. Callers pick the first one that is priced
 * (and offered) in the instance's region.
 * @returns an empty list when the family is already arm64 or has no Graviton counterpart
 */
export function gravitonFamiliesFor(family: string): string[] {
  if (isBurstableFamily(family)) {
    return family !== 't4g' && familySizes('t4g').length > 0 ? ['t4g'] : [];
  }
  if (familySizes(family)[0]?.arch === 'arm64') return [];
  const match = /^([a-z]+)(\d)([a-z]*)$/.exec(family);
  if (!match) return [];
  const [, letters, , suffix] = match;
  if (suffix!.includes('g')) return [];
  const keepD = suffix!.includes('d') ? 'd' : '';
  const families: string[] = [];
  for (const generation of [9, 8, 7, 6]) {
    const candidate = `${letters}${generation}g${keepD}`;
    if (familySizes(candidate).length > 0) families.push(candidate);
  }
  return families;
}
