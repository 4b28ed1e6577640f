import { afterAll, describe, expect, it } from 'vitest';
import { clearTable, instances, launch, localFunction, terminateAll } from './support/fixture';

describe('Integration: deployed scheduler bundle against moto', () => {
  const scheduler = localFunction('Scheduler');
  afterAll(async () => {
    await scheduler.stop();
  });

  it('stops office-hours instances at 23:00 Berlin on a Tuesday, and a dry run changes nothing', async () => {
    await terminateAll(['eu-central-1']);
    await clearTable();
    const ids = await launch('eu-central-1', 3, 'm5.large', { Schedule: 'office-hours' });

    const dry = await scheduler.invoke<{ plan: { instanceId: string; action: string }[] }>(
      { dryRun: true },
      { at: new Date('2026-12-01T22:00:00Z') },
    );
    expect(dry.error).toBeUndefined();
    expect(dry.result!.plan.filter((p) => ids.includes(p.instanceId)).map((p) => p.action)).toEqual([
      'stop',
      'stop',
      'stop',
    ]);
    expect([...(await instances('eu-central-1')).values()].map((i) => i.State?.Name)).toEqual([
      'running',
      'running',
      'running',
    ]);

    const real = await scheduler.invoke(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-12-01T22:00:00Z') },
    );
    expect(real.error).toBeUndefined();
    const after = await instances('eu-central-1');
    expect(ids.map((id) => after.get(id)?.State?.Name)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});
