/**
 * Reading a JSON export of the product's table for offline reports (`carbon-scheduler report --input FILE`).
 * Accepted forms:
 * 1. the output of `aws dynamodb scan --table-name T --output json` (or `query`): `{ "Items": [ <DynamoDB JSON> ] }`,
 *    several pages concatenated into one array are fine;
 * 2. a DynamoDB export to S3 in `DYNAMODB_JSON` format, un-gzipped: one `{ "Item": <DynamoDB JSON> }` per line;
 * 3. plain items: a JSON array of objects, or `{ "items": [...] }` (e.g. written by a script with the document client).
 * DynamoDB JSON (`{"pk": {"S": "..."}, "usd": {"N": "1.5"}}`) is converted to plain values; numbers become JS numbers.
 */

import type { TableItem } from '../../lambdas/adapters/dynamodb/report-reader';

export type { TableItem };

/** A file that is none of the accepted export forms. */
export class TableExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableExportFormatError';
  }
}

const TYPE_KEYS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

function isAttributeValue(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && TYPE_KEYS.has(keys[0]!);
}

/** One DynamoDB JSON attribute value as a plain value. @throws {TableExportFormatError} */
export function fromAttributeValue(value: unknown, path: string): unknown {
  if (!isAttributeValue(value)) throw new TableExportFormatError(`${path}: not a DynamoDB attribute value`);
  const [type, inner] = Object.entries(value)[0]!;
  switch (type) {
    case 'S':
    case 'B':
      return String(inner);
    case 'N': {
      const n = Number(inner);
      if (!Number.isFinite(n)) throw new TableExportFormatError(`${path}: ${JSON.stringify(inner)} is not a number`);
      return n;
    }
    case 'BOOL':
      return Boolean(inner);
    case 'NULL':
      return null;
    case 'SS':
    case 'BS':
      return (inner as unknown[]).map(String);
    case 'NS':
      return (inner as unknown[]).map(Number);
    case 'L':
      return (inner as unknown[]).map((v, i) => fromAttributeValue(v, `${path}[${i}]`));
    default:
      // Object.fromEntries: a key such as "__proto__" stays an ordinary property.
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).map(([k, v]) => [k, fromAttributeValue(v, `${path}.${k}`)]),
      );
  }
}

function plainItem(item: unknown, where: string): TableItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new TableExportFormatError(`${where}: an item must be a JSON object`);
  }
  const record = item as Record<string, unknown>;
  if (!isAttributeValue(record.pk)) return record;
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, fromAttributeValue(value, `${where}.${key}`)]),
  );
}

function fromArray(items: unknown[], where: string): TableItem[] {
  return items.map((item, index) => plainItem(item, `${where}[${index}]`));
}

/**
 * The items of an export (any accepted form), with plain values. Items without a string `pk` are kept; the report
 * reader ignores them.
 * @throws {TableExportFormatError} naming the line or item that is not in an accepted form
 */
export function parseTableExport(text: string): TableItem[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new TableExportFormatError('the file is empty; expected a JSON export of the table');
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    if (Array.isArray(whole)) return fromArray(whole, 'items');
    if (typeof whole === 'object' && whole !== null) {
      const record = whole as Record<string, unknown>;
      if (Array.isArray(record.Items)) return fromArray(record.Items, 'Items');
      if (Array.isArray(record.items)) return fromArray(record.items, 'items');
      if (typeof record.Item === 'object') return [plainItem(record.Item, 'Item')];
    }
    throw new TableExportFormatError(
      'the JSON is not a table export; expected {"Items": [...]} (aws dynamodb scan), one {"Item": ...} per line ' +
        '(DynamoDB export to S3) or an array of items',
    );
  }
  const items: TableItem[] = [];
  const lines = trimmed.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new TableExportFormatError(`line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    const record = parsed as Record<string, unknown> | null;
    if (typeof record !== 'object' || record === null || typeof record.Item !== 'object') {
      throw new TableExportFormatError(`line ${index + 1}: expected {"Item": {...}} (DynamoDB export to S3 format)`);
    }
    items.push(plainItem(record.Item, `line ${index + 1}`));
  });
  return items;
}
