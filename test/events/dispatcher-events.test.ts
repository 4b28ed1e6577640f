import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDispatcherEvent } from '../../lambdas/handlers/dispatcher';

const EVENTS_DIR = join(import.meta.dirname, '../../events');
const files = readdirSync(EVENTS_DIR)
  .filter((name) => /^dispatcher-.*\.json$/.test(name))
  .sort();
const load = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));

describe('Module: events/dispatcher-*.json', () => {
  it('ships the four sample events: dry run, direct job, job with deadline, EventBridge envelope', () => {
    // Assess
    expect(files).toEqual([
      'dispatcher-direct-job.json',
      'dispatcher-dry-run.json',
      'dispatcher-eventbridge-job-requested.json',
      'dispatcher-job-with-deadline.json',
    ]);
  });

  it.each(files)('%s is a valid dispatcher event', (name) => {
    // Act / Assess
    expect(() => parseDispatcherEvent(load(name))).not.toThrow();
  });

  it('the samples say what they show', () => {
    // Act
    const parse = (name: string) => parseDispatcherEvent(load(name));

    // Assess
    expect(parse('dispatcher-dry-run.json').dryRun).toBe(true);
    expect(parse('dispatcher-direct-job.json').regions).toEqual(['eu-north-1', 'eu-west-3', 'us-east-1']);
    expect(parse('dispatcher-job-with-deadline.json')).toMatchObject({
      deadline: '2026-11-22T06:00:00Z',
      maxDeferMinutes: 480,
    });
    expect(parse('dispatcher-eventbridge-job-requested.json').maxDeferMinutes).toBe(120);
  });
});
