import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredState } from '../../../lambdas/core/schedule/evaluate';
import { parseMonthdays, parseMonths, parseTimeOfDay, parseWeekdays } from '../../../lambdas/core/schedule/fields';
import { nextTransition } from '../../../lambdas/core/schedule/next-transition';
import { parseScheduleDefinition } from '../../../lambdas/core/schedule/parse';
import { parseOverrideTag, parseScheduleTag } from '../../../lambdas/core/schedule/tags';

const WEEKDAY_TOKENS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', '0', '1', '2', '3', '4', '5', '6', 'Friday'];
const MONTH_TOKENS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
  '1',
  '6',
  '12',
];
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'America/Santiago',
  'Pacific/Auckland',
  'Australia/Lord_Howe',
  'Etc/GMT-13',
  'Asia/Kolkata',
];

const token = (tokens: string[]) => fc.constantFrom(...tokens);
// Printable text, ASCII with control characters, and any Unicode grapheme (unit 'binary' is slow to set up).
const anyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const step = fc.integer({ min: 1, max: 15 });

const weekdayItem = fc.oneof(
  token(WEEKDAY_TOKENS),
  fc.tuple(token(WEEKDAY_TOKENS), token(WEEKDAY_TOKENS)).map(([a, b]) => `${a}-${b}`),
  fc.tuple(token(WEEKDAY_TOKENS), step).map(([a, s]) => `${a}/${s}`),
  fc.tuple(token(WEEKDAY_TOKENS), token(WEEKDAY_TOKENS), step).map(([a, b, s]) => `${a}-${b}/${s}`),
  fc.tuple(token(WEEKDAY_TOKENS), fc.integer({ min: 1, max: 5 })).map(([a, n]) => `${a}#${n}`),
  token(WEEKDAY_TOKENS).map((a) => `${a}L`),
  fc.constant('*'),
);
const day = fc.integer({ min: 1, max: 31 });
const monthdayItem = fc.oneof(
  day.map(String),
  fc.tuple(day, day).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  fc.tuple(day, step).map(([a, s]) => `${a}/${s}`),
  day.map((a) => `${a}-L`),
  day.map((a) => `${a}W`),
  fc.constantFrom('L', 'LW', '*'),
);
const monthItem = fc.oneof(
  token(MONTH_TOKENS),
  fc.tuple(token(MONTH_TOKENS), token(MONTH_TOKENS)).map(([a, b]) => `${a}-${b}`),
  fc.tuple(token(MONTH_TOKENS), step).map(([a, s]) => `${a}/${s}`),
);
const list = (item: fc.Arbitrary<string>) => fc.array(item, { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
// Times on a 15-minute grid plus DST-prone hours, so boundaries often fall in gaps and repeated hours.
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const period = fc
  .record(
    {
      begintime: time,
      endtime: fc.oneof(time, fc.constant('24:00')),
      weekdays: list(weekdayItem),
      monthdays: list(monthdayItem),
      months: list(monthItem),
      instanceType: fc.constantFrom('t3.micro', 'm7g.large'),
    },
    { requiredKeys: [] },
  )
  .filter((p) => p.begintime === undefined || p.endtime === undefined || p.begintime !== p.endtime);

const definition = fc.record(
  {
    name: fc.constant('generated'),
    timezone: fc.constantFrom(...ZONES),
    periods: fc.array(period, { minLength: 1, maxLength: 3 }),
    exceptions: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 5 })).map(([offset, length]) => {
        const from = new Date(Date.UTC(2026, 0, 1 + offset));
        const to = new Date(Date.UTC(2026, 0, 1 + offset + length));
        return `${from.toISOString().slice(0, 10)}/${to.toISOString().slice(0, 10)}`;
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['name', 'timezone', 'periods'] },
);

// Instants in 2026–2027, to the second.
const instant = fc
  .integer({ min: Date.UTC(2026, 0, 1) / 1000, max: Date.UTC(2028, 0, 1) / 1000 })
  .map((s) => new Date(s * 1000));

describe('Module: schedule properties', () => {
  describe('Function: parsers', () => {
    it('never throw on arbitrary strings', () => {
      fc.assert(
        fc.property(anyString, fc.boolean(), (text, flag) => {
          // Act
          const results = [
            parseWeekdays(text),
            parseMonthdays(text),
            parseMonths(text),
            parseTimeOfDay(text, flag),
            parseScheduleTag(text),
            parseOverrideTag(text, new Date('2026-01-01T00:00:00Z')),
          ];

          // Assess: every rejection carries a reason
          for (const result of results) {
            if (!result.ok) expect(('error' in result ? result.error : result.reason).length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 500 },
      );
    });

    it('never throw on arbitrary grammar-like strings', () => {
      const grammarish = fc
        .array(
          fc.constantFrom('mon', 'fri', 'jan', 'L', 'W', '#', '/', '-', ',', '*', '?', '1', '5', '31', ' ', '0', 'x'),
          {
            maxLength: 8,
          },
        )
        .map((parts) => parts.join(''));
      fc.assert(
        fc.property(grammarish, (text) => {
          // Act
          const results = [parseWeekdays(text), parseMonthdays(text), parseMonths(text)];

          // Assess
          for (const result of results) expect(typeof result.ok).toBe('boolean');
        }),
        { numRuns: 1000 },
      );
    });

    it('parseScheduleDefinition never throws, whatever the input', () => {
      fc.assert(
        fc.property(fc.anything(), (input) => {
          // Act
          const result = parseScheduleDefinition(input, 'UTC');

          // Assess
          expect(result.ok ? [] : result.errors.length).not.toBe(0);
        }),
        { numRuns: 300 },
      );
    });

    it('parseScheduleDefinition never throws on definitions with arbitrary field values', () => {
      const value = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string()),
      );
      const periodLike = fc.dictionary(
        fc.constantFrom('begintime', 'endtime', 'weekdays', 'monthdays', 'months', 'instanceType', 'name', 'x'),
        value,
      );
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.constantFrom(
              'name',
              'timezone',
              'carbonPolicy',
              'enforced',
              'exceptions',
              'overrideStatus',
              'maxDeferMinutes',
            ),
            value,
          ),
          fc.array(periodLike, { maxLength: 3 }),
          (fields, periods) => {
            // Act
            const result = parseScheduleDefinition({ ...fields, periods }, 'Europe/Berlin');

            // Assess
            expect(typeof result.ok).toBe('boolean');
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('Function: desiredState', () => {
    it('accepts every generated valid definition and is total on it', () => {
      fc.assert(
        fc.property(definition, instant, (input, at) => {
          // Prepare
          const parsed = parseScheduleDefinition(input, 'UTC');
          if (!parsed.ok) throw new Error(`generated definition rejected: ${parsed.errors.join('; ')}`);

          // Act
          const evaluation = desiredState(parsed.schedule, at);

          // Assess
          expect(['running', 'stopped', 'any']).toContain(evaluation.state);
          expect(evaluation.reason.length).toBeGreaterThan(0);
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('Function: nextTransition', () => {
    it('agrees with desiredState one second before and at the transition, with no change in between', () => {
      fc.assert(
        fc.property(
          definition,
          instant,
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
          (input, after, samples) => {
            // Prepare
            const parsed = parseScheduleDefinition(input, 'UTC');
            if (!parsed.ok) throw new Error(`generated definition rejected: ${parsed.errors.join('; ')}`);
            const s = parsed.schedule;
            const before = desiredState(s, after).state;

            // Act
            const next = nextTransition(s, after);

            // Assess
            if (next === null) {
              for (const f of samples) {
                expect(desiredState(s, new Date(after.getTime() + Math.floor(f * 366 * 86_400) * 1000)).state).toBe(
                  before,
                );
              }
              return;
            }
            expect(next.at.getTime()).toBeGreaterThan(after.getTime());
            expect(next.state).not.toBe(before);
            expect(desiredState(s, next.at).state).toBe(next.state);
            const oneSecondBefore = new Date(next.at.getTime() - 1000);
            expect(desiredState(s, oneSecondBefore).state).not.toBe(next.state);
            if (oneSecondBefore.getTime() >= after.getTime())
              expect(desiredState(s, oneSecondBefore).state).toBe(before);
            for (const f of samples) {
              const between = after.getTime() + Math.floor(((next.at.getTime() - after.getTime()) * f) / 1000) * 1000;
              if (between < next.at.getTime()) expect(desiredState(s, new Date(between)).state).toBe(before);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
