import type { InstanceFacts } from '../../core/scheduler/instance-facts';
import { SCHEDULE_TAG } from '../../core/scheduler/instance-facts';
import type { DescribedFleet, Fleet } from '../../core/scheduler/ports';
import { DESCRIBE_PAGE_SIZE, DESCRIBED_STATES } from './fleet';

/** An error shaped like an AWS SDK service exception (`name` is the AWS error code). */
export class FakeAwsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** One call the fake received. */
export interface FleetCall {
  readonly kind: 'describe' | 'start' | 'stop' | 'modify';
  readonly region: string;
  readonly instanceIds: readonly string[];
  readonly hibernate?: boolean;
  readonly instanceType?: string;
}

/** Options of {@link InMemoryFleet}. */
export interface InMemoryFleetOptions {
  /** Simulated latency of every API call, ms (default 0). */
  readonly latencyMs?: number;
  /** How to wait (default setTimeout); tests inject an immediate one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A {@link Fleet} in memory with EC2's semantics where the scheduler depends on them: describe filters on the
 * `Schedule` tag key and the four schedulable states and pages by 1000; a start or stop call fails as a whole when
 * any of its instances is set to fail (as StartInstances does); modifying the type needs a stopped instance.
 * For core tests, the plan CLI and the benchmark.
 */
export class InMemoryFleet implements Fleet {
  readonly calls: FleetCall[] = [];
  /** instanceId → AWS error code a start (or resize start) of it fails with. */
  readonly failStart = new Map<string, string>();
  /** instanceId → AWS error code a stop of it fails with. */
  readonly failStop = new Map<string, string>();
  /** instanceId → AWS error code a hibernating stop of it fails with. */
  readonly failHibernate = new Map<string, string>();
  /** `instanceId/type` → AWS error code a start fails with while the instance has that type. */
  readonly failStartAsType = new Map<string, string>();
  private readonly instances = new Map<string, InstanceFacts>();
  private readonly latencyMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(instances: readonly InstanceFacts[] = [], options: InMemoryFleetOptions = {}) {
    for (const instance of instances) this.instances.set(instance.instanceId, instance);
    this.latencyMs = options.latencyMs ?? 0;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The current facts of an instance. */
  get(instanceId: string): InstanceFacts | undefined {
    return this.instances.get(instanceId);
  }

  /** Calls of one kind. */
  callsOf(kind: FleetCall['kind']): FleetCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  private async latency(): Promise<void> {
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
  }

  private lookup(region: string, ids: readonly string[]): InstanceFacts[] {
    return ids.map((id) => {
      const instance = this.instances.get(id);
      if (!instance || instance.region !== region) {
        throw new FakeAwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
      }
      return instance;
    });
  }

  async describe(region: string): Promise<DescribedFleet> {
    const matching = [...this.instances.values()].filter(
      (i) =>
        i.region === region &&
        i.tags[SCHEDULE_TAG] !== undefined &&
        (DESCRIBED_STATES as readonly string[]).includes(i.state),
    );
    const pages = Math.max(1, Math.ceil(matching.length / DESCRIBE_PAGE_SIZE));
    for (let page = 0; page < pages; page += 1) {
      this.calls.push({ kind: 'describe', region, instanceIds: [] });
      await this.latency();
    }
    return { instances: matching.map((i) => ({ ...i })), errors: [], calls: pages };
  }

  async start(region: string, instanceIds: readonly string[]): Promise<void> {
    this.calls.push({ kind: 'start', region, instanceIds: [...instanceIds] });
    await this.latency();
    const found = this.lookup(region, instanceIds);
    for (const instance of found) {
      const code =
        this.failStart.get(instance.instanceId) ??
        this.failStartAsType.get(`${instance.instanceId}/${instance.instanceType}`);
      if (code) throw new FakeAwsError(code, `${code} for ${instance.instanceId}`);
    }
    for (const instance of found) this.instances.set(instance.instanceId, { ...instance, state: 'pending' });
  }

  async stop(region: string, instanceIds: readonly string[], options: { readonly hibernate: boolean }): Promise<void> {
    this.calls.push({ kind: 'stop', region, instanceIds: [...instanceIds], hibernate: options.hibernate });
    await this.latency();
    const found = this.lookup(region, instanceIds);
    for (const instance of found) {
      const code =
        this.failStop.get(instance.instanceId) ??
        (options.hibernate ? this.failHibernate.get(instance.instanceId) : undefined);
      if (code) throw new FakeAwsError(code, `${code} for ${instance.instanceId}`);
      if (options.hibernate && !instance.hibernationConfigured) {
        throw new FakeAwsError(
          'UnsupportedHibernationConfiguration',
          `${instance.instanceId} is not hibernation-enabled`,
        );
      }
    }
    for (const instance of found) this.instances.set(instance.instanceId, { ...instance, state: 'stopping' });
  }

  async modifyInstanceType(region: string, instanceId: string, instanceType: string): Promise<void> {
    this.calls.push({ kind: 'modify', region, instanceIds: [instanceId], instanceType });
    await this.latency();
    const [instance] = this.lookup(region, [instanceId]);
    if (instance!.state !== 'stopped') {
      throw new FakeAwsError('IncorrectInstanceState', `The instance '${instanceId}' is not in the 'stopped' state.`);
    }
    this.instances.set(instanceId, { ...instance!, instanceType });
  }

  /** Let time pass: pending instances become running, stopping ones stopped. */
  settle(): void {
    for (const [id, instance] of this.instances) {
      if (instance.state === 'pending') this.instances.set(id, { ...instance, state: 'running' });
      if (instance.state === 'stopping') this.instances.set(id, { ...instance, state: 'stopped' });
    }
  }
}
