import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCarbonFetcherEvent } from '../../lambdas/handlers/carbon-fetcher';
import { parseRightsizerEvent } from '../../lambdas/handlers/rightsizer';

const EVENTS_DIR = join(import.meta.dirname, '../../events');
const load = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));

describe('Module: events/', () => {
  it('has a console test event for every Lambda a user invokes by hand', () => {
    // Act
    const prefixes = new Set(readdirSync(EVENTS_DIR).map((name) => name.split('-').slice(0, -1).join('-')));

    // Assess: scheduler, dispatcher, fetcher and rightsizer (workers and the recorder are invoked by the product)
    for (const prefix of ['scheduler', 'dispatcher', 'carbon-fetcher', 'rightsizer']) {
      expect(
        [...prefixes].some((p) => p.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it('carbon-fetcher-dry-run.json asks the fetcher for a dry run', () => {
    // Act
    const parsed = parseCarbonFetcherEvent(load('carbon-fetcher-dry-run.json'));

    // Assess
    expect(parsed).toEqual({ dryRun: true });
  });

  it('rightsizer-dry-run.json asks the rightsizer for a dry run', () => {
    // Act
    const parsed = parseRightsizerEvent(load('rightsizer-dry-run.json'));

    // Assess
    expect(parsed.dryRun).toBe(true);
  });
});
