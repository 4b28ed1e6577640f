/**
 * Render rows as a plain-text table: columns separated by two spaces, padded to the widest cell, the columns
 * listed in `rightAligned` (0-based) right-aligned (numbers), trailing spaces trimmed. The first row is usually
 * the header. Missing cells render as empty.
 */
export function textTable(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  if (rows.length === 0) return '';
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      widths
        .map((width, column) => {
          const cell = row[column] ?? '';
          return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
