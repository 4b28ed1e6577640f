import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTableExport, TableExportFormatError } from '../../../cli/report/table-export';

/** DynamoDB JSON of a plain value, as `aws dynamodb scan` prints it (test-side, written from the format's spec). */
function marshal(value: unknown): Record<string, unknown> {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshal) };
  return { M: Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, marshal(v)])) };
}

const item = {
  pk: 'SAVINGS#2026-11-23',
  sk: 'eu-central-1',
  usd: 1.25,
  runs: 2,
  ok: true,
  none: null,
  tags: ['a', 'b'],
};
const marshalled = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, marshal(v)]));

describe('Module: table-export', () => {
  describe('Function: parseTableExport', () => {
    it('reads `aws dynamodb scan --output json`', () => {
      // Prepare
      const text = JSON.stringify({ Items: [marshalled], Count: 1, ScannedCount: 1 });

      // Act
      const items = parseTableExport(text);

      // Assess
      expect(items).toEqual([item]);
    });

    it('reads a DynamoDB export to S3 (one {"Item": …} per line), blank lines allowed', () => {
      // Prepare
      const text = `${JSON.stringify({ Item: marshalled })}\n\n${JSON.stringify({ Item: { pk: { S: 'LEASE' }, sk: { S: 'x' } } })}\n`;

      // Act
      const items = parseTableExport(text);

      // Assess
      expect(items).toEqual([item, { pk: 'LEASE', sk: 'x' }]);
    });

    it('reads plain items as an array or under "items", sets and maps included', () => {
      // Prepare
      const plain = JSON.stringify([item]);
      const wrapped = JSON.stringify({ items: [item] });
      const sets = JSON.stringify({
        Items: [{ pk: { S: 'X' }, ns: { NS: ['1', '2.5'] }, m: { M: { a: { N: '3' } } } }],
      });

      // Act
      const results = [parseTableExport(plain), parseTableExport(wrapped), parseTableExport(sets)];

      // Assess
      expect(results).toEqual([[item], [item], [{ pk: 'X', ns: [1, 2.5], m: { a: 3 } }]]);
    });

    it.each([
      ['', /the file is empty/],
      ['{"hello": 1}', /the JSON is not a table export/],
      ['{"Item": {"pk": {"S": "a"}}}\nnot json', /line 2: not JSON/],
      ['{"Item": {"pk": {"S": "a"}}}\n{"x": 1}', /line 2: expected \{"Item": \{\.\.\.\}\}/],
      ['{"Items": [{"pk": {"S": "a"}, "n": {"N": "abc"}}]}', /Items\[0\]\.n: "abc" is not a number/],
      ['{"Items": [{"pk": {"S": "a"}, "bad": {"X": 1}}]}', /Items\[0\]\.bad: not a DynamoDB attribute value/],
    ])('rejects %j naming what is wrong', (text, message) => {
      // Prepare, Act
      const act = () => parseTableExport(text);

      // Assess
      expect(act).toThrow(TableExportFormatError);
      expect(act).toThrow(message);
    });

    it('keeps a "__proto__" attribute as an ordinary attribute', () => {
      // Prepare
      const text = '{"Items": [{"pk": {"S": "a"}, "__proto__": {"M": {"polluted": {"BOOL": true}}}}]}';

      // Act
      const [parsed] = parseTableExport(text);

      // Assess
      expect(Object.keys(parsed!)).toEqual(['pk', '__proto__']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((parsed as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('gives back any item the scan output holds (property)', () => {
      // Prepare
      const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
        leaf: fc.oneof(
          fc.string(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          fc.constant(null),
        ),
        node: fc.oneof(
          { depthSize: 'small' },
          tie('leaf'),
          fc.array(tie('node'), { maxLength: 3 }),
          fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 }),
        ),
      })).node;
      const items = fc.array(
        fc.tuple(fc.string({ minLength: 1 }), fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 4 })),
        { maxLength: 4 },
      );

      // Act, Assess
      fc.assert(
        fc.property(items, (pairs) => {
          const plain = pairs.map(([pk, rest]) => ({ ...rest, pk }));
          const text = JSON.stringify({
            Items: plain.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, marshal(v)]))),
          });
          expect(parseTableExport(text)).toEqual(JSON.parse(JSON.stringify(plain)));
        }),
      );
    });
  });
});
