/**
 * Text output of the CLI: tables that fit the terminal, wrapped detail lines, ellipsis truncation, and external data
 * (EC2 tag values, file contents, provider answers) with every control, escape and bidirectional-override character
 * made visible, so nothing read from outside can move the cursor, clear the screen, set the window title, reorder
 * text or forge table rows. Design and rules: docs/cli.md ("Text output").
 */

/**
 * Characters that never reach the terminal raw: C0 controls (tab and newline included: inside a cell they would
 * break the layout), DEL, C1 controls, the bidirectional embedding, override and isolate controls, the implicit
 * directional marks, zero-width characters, the line and paragraph separators and the byte-order mark.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** The escape shown for one unsafe character: `\x1b` below U+0100, else `\u202e`. */
function escapeOf(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every unsafe character replaced by its visible escape (`\x1b`, `\x0a`, `\u202e`). The escapes are
 * for a reader, not a parser: `--output json` carries the exact values.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/** {@link visible} for each line of a multi-line text of the CLI's own (newlines kept, everything else escaped). */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n');
}

/** True for code points that take two columns in a terminal (East Asian wide and full-width forms, most emoji). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Combining marks take no column of their own. */
const COMBINING = /\p{Mn}|\p{Me}/u;

/** Columns a (safe) text occupies in a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (COMBINING.test(char)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

/** `text` cut to at most `width` columns, ending in `…` when anything was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = COMBINING.test(char) ? 0 : isWide(char.codePointAt(0)!) ? 2 : 1;
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/**
 * Word-wrap `text` to lines of at most `width` columns; words longer than a line are split. Runs of spaces collapse.
 */
export function wrap(text: string, width: number): string[] {
  const limit = Math.max(10, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter((w) => w !== '')) {
    let rest = word;
    while (displayWidth(rest) > limit) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      let head = '';
      for (const char of rest) {
        if (displayWidth(head + char) > limit) break;
        head += char;
      }
      lines.push(head);
      rest = rest.slice(head.length);
    }
    if (rest === '') continue;
    if (line === '') line = rest;
    else if (displayWidth(line) + 1 + displayWidth(rest) <= limit) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Pad `text` with spaces to `width` columns, on the right (left-aligned) or the left (right-aligned). */
function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

/** One column of a {@link renderTable} table. */
export interface Column {
  /** Header lines (one or two); the widest line counts. */
  readonly header: string | readonly string[];
  /** Right-align (numbers). */
  readonly align?: 'left' | 'right';
  /**
   * Narrowest width this column may be cut to with an ellipsis when the table is wider than the terminal; columns
   * without it are never cut (identifiers, numbers).
   */
  readonly minWidth?: number;
}

/** One row: its cells (external data allowed: they are made {@link visible}) and an optional detail text. */
export interface Row {
  readonly cells: readonly string[];
  /** Wrapped beneath the row, indented (e.g. the reason of a decision). */
  readonly detail?: string;
  /** A separator line is drawn above this row (totals). */
  readonly rule?: boolean;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Terminal width in columns. */
  readonly width: number;
  /** Columns between cells (2). */
  readonly gap?: number;
  /** Indent of detail lines (4). */
  readonly detailIndent?: number;
  /** Colour a rendered cell (already padded); `column` is 0-based. Called only for body cells. */
  readonly paint?: (text: string, column: number, row: number) => string;
}

/**
 * Render a table that fits `width` columns:
 * 1. every cell is made {@link visible} first;
 * 2. columns get their natural width; when the table is too wide, the cuttable columns (with `minWidth`) are cut,
 *    widest first, down to their `minWidth`, and their cells end in `…`;
 * 3. if even that does not fit, each row is printed as a block: the first cell, then `header: value` pairs wrapped
 *    to the width;
 * 4. details are wrapped beneath their row.
 * Trailing spaces are trimmed. Returns the lines joined by `\n` (no final newline).
 */
export function renderTable(columns: readonly Column[], rows: readonly Row[], options: TableOptions): string {
  const gap = options.gap ?? 2;
  const indent = options.detailIndent ?? 4;
  const width = Math.max(20, options.width);
  const headers = columns.map((c) => (typeof c.header === 'string' ? [c.header] : [...c.header]));
  const headerLines = Math.max(...headers.map((h) => h.length));
  const headerRows = Array.from({ length: headerLines }, (_, line) =>
    headers.map((h) => h[line - (headerLines - h.length)] ?? ''),
  );
  const body = rows.map((row) => columns.map((_, i) => visible(row.cells[i] ?? '')));
  const natural = columns.map((_, i) =>
    Math.max(...headerRows.map((h) => displayWidth(h[i]!)), ...body.map((cells) => displayWidth(cells[i]!))),
  );
  const widths = [...natural];
  const total = () => widths.reduce((sum, w) => sum + w, 0) + gap * (columns.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i += 1) {
      const min = columns[i]!.minWidth;
      if (min === undefined || widths[i]! <= min) continue;
      if (widest === -1 || widths[i]! > widths[widest]!) widest = i;
    }
    if (widest === -1) break;
    widths[widest] = Math.max(columns[widest]!.minWidth!, widths[widest]! - (total() - width));
  }
  const detailLines = (row: Row) =>
    row.detail === undefined
      ? []
      : wrap(visible(row.detail), width - indent).map((line) => `${' '.repeat(indent)}${line}`);
  if (total() > width) return renderBlocks(headers, body, rows, width, detailLines);

  const line = (cells: readonly string[], paint?: (text: string, column: number) => string) =>
    cells
      .map((cell, i) => {
        const text = pad(truncate(cell, widths[i]!), widths[i]!, columns[i]!.align === 'right');
        return paint ? paint(text, i) : text;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const out = headerRows.map((h) => line(h));
  body.forEach((cells, r) => {
    if (rows[r]!.rule) out.push(line(widths.map((w) => '─'.repeat(w))));
    out.push(line(cells, options.paint ? (text, column) => options.paint!(text, column, r) : undefined));
    out.push(...detailLines(rows[r]!));
  });
  return out.join('\n');
}

/** The narrow-terminal form of a table: one block per row. */
function renderBlocks(
  headers: readonly string[][],
  body: readonly string[][],
  rows: readonly Row[],
  width: number,
  detailLines: (row: Row) => string[],
): string {
  const out: string[] = [];
  body.forEach((cells, r) => {
    const [first, ...rest] = cells;
    out.push(truncate(first ?? '', width));
    const pairs = rest
      .map((cell, i) => ({ name: headers[i + 1]!.filter((h) => h !== '').join(' '), cell }))
      .filter((p) => p.cell !== '')
      .map((p) => `${p.name}: ${p.cell}`);
    out.push(...wrap(pairs.join(' · '), width - 2).map((l) => `  ${l}`));
    out.push(...detailLines(rows[r]!));
  });
  return out.join('\n');
}

/** A number with thousands separators and `digits` decimals, as in `1,234.5`. */
export function formatNumber(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    Number(fixed) === 0 ? 0 : Number(fixed),
  );
}

/** Colours for text output (SGR), or identity functions when colour is off. */
export interface Paint {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly red: (text: string) => string;
  readonly dim: (text: string) => string;
}

/** SGR colours when `enabled`, else plain text. */
export function paint(enabled: boolean): Paint {
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { enabled, bold: sgr(1, 22), green: sgr(32, 39), yellow: sgr(33, 39), red: sgr(31, 39), dim: sgr(2, 22) };
}

/** Quote a CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; a leading `=+-@` is defused. */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV with CRLF line ends, header first. */
export function renderCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const line = (cells: readonly (string | number | null)[]) =>
    cells.map((c) => (c === null ? '' : typeof c === 'number' ? String(c) : csvField(c))).join(',');
  return `${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
