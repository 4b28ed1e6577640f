import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, displayWidth, renderTable, truncate, visible, wrap } from '../../cli/text';

/** A raw control, escape or bidi character . */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these characters
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('Module: cli text', () => {
  describe('Function: visible', () => {
    it('escapes C0, DEL, C1, bidi, zero-width and separator characters, and keeps printable text', () => {
      // Act & Assess
      expect(visible('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
      expect(visible('tab\there\nnl\r')).toBe('tab\\x09here\\x0anl\\x0d');
      expect(visible('\u007f\u0085\u009b')).toBe('\\x7f\\x85\\x9b');
      expect(visible('\u202eevil\u2066x\u2069\u200b\u2028\ufeff')).toBe(
        '\\u202eevil\\u2066x\\u2069\\u200b\\u2028\\ufeff',
      );
      expect(visible('Düsseldorf 東京 ✓ €')).toBe('Düsseldorf 東京 ✓ €');
    });

    it('never lets a control character through (property)', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (text) => {
          expect(visible(text)).not.toMatch(RAW_CONTROL);
        }),
      );
    });
  });

  describe('Functions: truncate, wrap, displayWidth', () => {
    it('cuts with an ellipsis to the width, counting wide characters as two columns', () => {
      // Act & Assess
      expect(truncate('office-hours', 8)).toBe('office-…');
      expect(truncate('short', 8)).toBe('short');
      expect(displayWidth('東京')).toBe(4);
      expect(truncate('東京東京', 5)).toBe('東京…');
    });

    it('wraps words to the width and splits words longer than a line', () => {
      // Act & Assess
      expect(wrap('one two three four', 10)).toEqual(['one two', 'three four']);
      expect(wrap(`x${'y'.repeat(25)}`, 10)).toEqual(['xyyyyyyyyy', 'yyyyyyyyyy', 'yyyyyy']);
    });
  });

  describe('Function: renderTable', () => {
    const columns = [
      { header: 'ID' },
      { header: ['LONG', 'name'], minWidth: 6 },
      { header: ['AMOUNT', '$'], align: 'right' as const },
    ];

    it('pads, right-aligns numbers, draws a rule above totals and wraps details beneath their row', () => {
      // Act
      const text = renderTable(
        columns,
        [
          { cells: ['a', 'alpha', '1.50'], detail: 'because the grid was dirty' },
          { cells: ['b', 'beta', '10.00'] },
          { cells: ['Total', '', '11.50'], rule: true },
        ],
        { width: 40 },
      );

      // Assess
      expect(text.split('\n')).toEqual([
        '       LONG   AMOUNT',
        'ID     name        $',
        'a      alpha    1.50',
        '    because the grid was dirty',
        'b      beta    10.00',
        '─────  ─────  ──────',
        'Total          11.50',
      ]);
    });

    it('cuts the cuttable column to fit the width, then falls back to one block per row', () => {
      // Act
      const cut = renderTable(columns, [{ cells: ['a', 'x'.repeat(50), '1.00'] }], { width: 30 });
      const blocks = renderTable(columns, [{ cells: ['a-very-long-identifier', 'name', '1.00'] }], { width: 20 });

      // Assess
      expect(cut.split('\n').every((line) => line.length <= 30)).toBe(true);
      expect(cut).toContain('…');
      expect(blocks.split('\n')).toEqual(['a-very-long-identif…', '  LONG name: name ·', '  AMOUNT $: 1.00']);
    });

    it('escapes what cells hold, so a cell cannot forge a row', () => {
      // Act
      const text = renderTable(columns, [{ cells: ['a', 'x\r\nforged', '1'] }], { width: 80 });

      // Assess
      expect(text.split('\n')).toHaveLength(3);
      expect(text).toContain('x\\x0d\\x0aforged');
    });
  });

  describe('Function: csvField', () => {
    it('quotes commas, quotes and newlines, and defuses spreadsheet formulas', () => {
      // Act & Assess
      expect(csvField('a,b')).toBe('"a,b"');
      expect(csvField('say "hi"')).toBe('"say ""hi"""');
      expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
      expect(csvField('-12.5')).toBe('-12.5');
    });
  });
});
