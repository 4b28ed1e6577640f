import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchedulerEvent } from '../../lambdas/handlers/scheduler';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';

const EVENTS_DIR = join(import.meta.dirname, '../../events');
const files = readdirSync(EVENTS_DIR)
  .filter((name) => /^scheduler-.*\.json$/.test(name))
  .sort();
const load = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));

describe('Module: events/scheduler-*.json', () => {
  it('ships the console dry runs and a real EventBridge scheduled event', () => {
    // Assess
    expect(files).toEqual(['scheduler-dry-run-at.json', 'scheduler-dry-run.json', 'scheduler-scheduled-event.json']);
  });

  it.each(files)('%s parses with the scheduler handler parser', (name) => {
    // Act / Assess
    expect(() => parseSchedulerEvent(load(name))).not.toThrow();
  });

  it('the dry runs are dry runs and the scheduled event carries its time', () => {
    // Act
    const dry = parseSchedulerEvent(load('scheduler-dry-run.json'));
    const at = parseSchedulerEvent(load('scheduler-dry-run-at.json'));
    const scheduled = parseSchedulerEvent(load('scheduler-scheduled-event.json'));

    // Assess
    expect(dry).toEqual({ dryRun: true });
    expect(at).toEqual({ dryRun: true, at: '2026-11-23T08:00:00Z' });
    expect(scheduled).toEqual({ time: '2026-11-23T08:00:00Z' });
  });

  it('rejects a misspelt dryRun so a typo never becomes a real run', () => {
    // Act / Assess
    expect(() => parseSchedulerEvent({ dryrun: true })).toThrow(InvalidEventError);
  });
});
