/**
 * The benchmark's SQLite peer (issue 26.2): the same CSV in a typed SQLite table in memory
 * (better-sqlite3), indexes on the filtered columns, FTS5 for words, prepared statements, rows
 * written as JSON by SQLite (`json_object`). It is what a small service built on a database
 * would do; the bench checks that it answers the rows whc-api answers, in the same order
 * (same-answers.ts), before it measures either.
 *
 * What it shares with whc-api is what any peer must: the CSV's schema and cell types (the row
 * codec, so `1`/`0` flags are booleans and empty cells null), and the text folding rules of the
 * query language (tags removed, entities decoded, case and accents folded), applied at load.
 * It answers lookups and the searches SQL can express faithfully: list columns (region, state,
 * iso_code, criterion, category), danger, years, words (`q`), a map window, a radius; a sort
 * on one column; `fields`; `limit`. Anything else is refused (`undefined`), never approximated.
 */
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { COLUMNS, Row, type ColumnName } from '../../../src/data/row.js';
import { criteriaOf } from '../../../src/query/criteria.js';
import { EARTH_RADIUS_KM } from '../../../src/query/geo.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../../src/query/parameters.js';
import { listElements, SEARCHED_COLUMNS } from '../../../src/query/searchable-site.js';
import { fold, plainText, words } from '../../../src/query/text.js';

/** A page of a search: the JSON array of rows, and how many rows match over all pages. */
export interface PeerPage {
  readonly body: Buffer;
  readonly total: number;
}

export interface SqlitePeer {
  /** `[row]` for `/query?unique_number=N`, or undefined when no site has it. */
  lookup(uniqueNumber: number): Buffer | undefined;
  /** A search's page, or undefined for parameters this peer does not answer. */
  search(params: URLSearchParams): PeerPage | undefined;
  readonly rows: number;
  close(): void;
}

const FLAGS = new Set<ColumnName>(COLUMNS.filter((c) => Row.props[c].name === 'FlagCell'));
const sqlType = (column: ColumnName): string => {
  const codec = Row.props[column].name;
  if (FLAGS.has(column) || /Integer/.test(codec)) return 'INTEGER';
  return /Number|Latitude|Longitude/.test(codec) ? 'REAL' : 'TEXT';
};
/** A column as a JSON value: SQLite has no booleans, so flags (0/1) are written as `true`/`false`. */
const jsonValue = (column: ColumnName): string => (FLAGS.has(column) ? `json(CASE WHEN ${column} THEN 'true' ELSE 'false' END)` : column);
const DISTANCE = 'distance_km';
/** Haversine, as src/query/geo.ts computes it, in SQL (SQLite's math functions); binds the point's latitude twice, then its longitude. */
const DISTANCE_SQL = `2 * ${EARTH_RADIUS_KM} * asin(min(1, sqrt(pow(sin((point_lat - ?) * (pi() / 180) / 2), 2) + cos(? * (pi() / 180)) * cos(point_lat * (pi() / 180)) * pow(sin((point_lon - ?) * (pi() / 180) / 2), 2))))`;
/** The list parameters: each element a row of `list_values`, folded as the query language folds it. */
const LISTS = { region: ['region_en', 'region_fr'], state: ['states_name_en', 'states_name_fr'], iso_code: ['iso_code'] } as const;
type ListParam = keyof typeof LISTS | 'criterion';

async function* decodedRows(file: string): AsyncGenerator<Row> {
  const records = createReadStream(file).pipe(parse({ bom: true, columns: true }));
  for await (const record of records as AsyncIterable<Record<string, string>>) {
    const decoded = Row.decode(record);
    if (decoded._tag === 'Left') throw new Error(`${file}: ${PathReporter.report(decoded).join('; ')}`);
    yield decoded.right;
  }
}

function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE sites (${COLUMNS.map((c) => `${c} ${sqlType(c)}${c === 'unique_number' ? ' PRIMARY KEY' : ''}`).join(', ')},
      point_lat REAL, point_lon REAL) STRICT;
    CREATE TABLE list_values (list TEXT NOT NULL, value TEXT NOT NULL, site INTEGER NOT NULL, PRIMARY KEY (list, value, site)) WITHOUT ROWID, STRICT;
    CREATE VIRTUAL TABLE site_words USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  `);
}

function createIndexes(db: Database.Database): void {
  db.exec(`
    CREATE INDEX sites_category ON sites (category);
    CREATE INDEX sites_danger ON sites (danger);
    CREATE INDEX sites_date_inscribed ON sites (date_inscribed);
    CREATE INDEX sites_point ON sites (point_lat, point_lon);
    ANALYZE;
  `);
}

export async function openSqlitePeer(file: string): Promise<SqlitePeer> {
  const db = new Database(':memory:');
  createSchema(db);
  const insertSite = db.prepare(`INSERT INTO sites VALUES (${COLUMNS.map(() => '?').join(', ')}, ?, ?)`);
  const insertValue = db.prepare('INSERT OR IGNORE INTO list_values VALUES (?, ?, ?)');
  const insertWords = db.prepare('INSERT INTO site_words (rowid, text) VALUES (?, ?)');
  const insertBatch = db.transaction((batch: Row[]) => {
    for (const row of batch) {
      const id = row.unique_number;
      // 0,0 is the export's placeholder for "no position" (as in searchable-site.ts).
      const point = row.latitude !== null && row.longitude !== null && !(row.latitude === 0 && row.longitude === 0);
      insertSite.run(
        ...COLUMNS.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : row[c])),
        point ? row.latitude : null,
        point ? row.longitude : null,
      );
      for (const [list, columns] of Object.entries(LISTS))
        for (const column of columns)
          for (const element of listElements(row[column])) {
            const value = fold(plainText(element));
            if (value !== '') insertValue.run(list, value, id);
          }
      for (const criterion of criteriaOf(row)) insertValue.run('criterion', criterion, id);
      insertWords.run(id, SEARCHED_COLUMNS.map((c) => plainText(row[c] ?? '')).join(' '));
    }
  });
  let batch: Row[] = [];
  let rows = 0;
  for await (const row of decodedRows(file)) {
    batch.push(row);
    rows++;
    if (batch.length === 5000) {
      insertBatch(batch);
      batch = [];
    }
  }
  insertBatch(batch);
  createIndexes(db);

  const rowJson = (fields: readonly string[]) =>
    `json_object(${fields.map((f) => `'${f}', ${f === DISTANCE ? `round(${DISTANCE}, 3)` : jsonValue(f as ColumnName)}`).join(', ')})`;
  const lookup = db.prepare(`SELECT ${rowJson(COLUMNS)} FROM sites WHERE unique_number = ?`).pluck();
  /**
   * Statements by their SQL: a search's shape is prepared once, then bound to each request's
   * values. Bounded: list lengths and field lists make many shapes, and a peer must not grow.
   */
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= 500) statements.clear();
      statements.set(sql, (statement = db.prepare(sql).raw()));
    }
    return statement;
  };

  return {
    rows,
    lookup(uniqueNumber) {
      const json = lookup.get(uniqueNumber) as string | undefined;
      return json === undefined ? undefined : Buffer.from(`[${json}]`);
    },
    search(params) {
      const query = toSql(params);
      if (query === undefined) return undefined;
      const found = prepared(query.sql.replace('$ROW', rowJson(query.fields))).all(...query.values) as [string, number][];
      return { body: Buffer.from(`[${found.map((r) => r[0]).join(',')}]`), total: found[0]?.[1] ?? 0 };
    },
    close: () => db.close(),
  };
}

interface SqlQuery {
  readonly sql: string;
  readonly values: unknown[];
  readonly fields: readonly string[];
}

const DIGITS = /^(0|[1-9][0-9]{0,8})$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const numbers = (text: string, count: number) => {
  const parts = text.split(',');
  return parts.length === count && parts.every((p) => NUMBER.test(p)) ? parts.map(Number) : undefined;
};

/** The search's SQL with `$ROW` for the row's JSON, its values, its fields; undefined when a parameter is not answered here. */
function toSql(params: URLSearchParams): SqlQuery | undefined {
  const where: string[] = [];
  const values: unknown[] = [];
  let fields: string[] = [...COLUMNS];
  let order = 'unique_number';
  let limit = DEFAULT_LIMIT;
  let near: [number, number] | undefined;
  let radius: number | undefined;
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) return undefined; // whc-api refuses a repeated parameter
    seen.add(name);
    if (name === 'region' || name === 'state' || name === 'iso_code' || name === 'criterion') {
      const wanted = [...new Set(value.split(',').map((e) => (name === 'criterion' ? e.trim() : fold(plainText(e)))))];
      if (wanted.some((w) => w === '')) return undefined;
      where.push(`unique_number IN (SELECT site FROM list_values WHERE list = ? AND value IN (${wanted.map(() => '?').join(', ')}))`);
      values.push(name satisfies ListParam, ...wanted);
    } else if (name === 'category') {
      const wanted = value.split(',').map((e) => e.trim());
      where.push(`category IN (${wanted.map(() => '?').join(', ')})`);
      values.push(...wanted);
    } else if (name === 'danger' && (value === 'true' || value === 'false')) {
      where.push('danger = ?');
      values.push(value === 'true' ? 1 : 0);
    } else if ((name === 'inscribed_from' || name === 'inscribed_to') && DIGITS.test(value)) {
      where.push(`date_inscribed ${name === 'inscribed_from' ? '>=' : '<='} ?`);
      values.push(Number(value));
    } else if (name === 'q') {
      const terms = words(value);
      if (terms.length === 0) return undefined;
      // Each term a quoted prefix: every term must start a word of the text.
      where.push('unique_number IN (SELECT rowid FROM site_words WHERE site_words MATCH ?)');
      values.push(terms.map((t) => `"${t}"*`).join(' '));
    } else if (name === 'bbox') {
      const box = numbers(value, 4);
      if (box === undefined) return undefined;
      const [minLon, minLat, maxLon, maxLat] = box as [number, number, number, number];
      where.push(`point_lat BETWEEN ? AND ? AND ${minLon <= maxLon ? 'point_lon BETWEEN ? AND ?' : '(point_lon >= ? OR point_lon <= ?)'}`);
      values.push(minLat, maxLat, minLon, maxLon);
    } else if (name === 'near') {
      near = numbers(value, 2) as [number, number] | undefined;
      if (near === undefined) return undefined;
    } else if (name === 'radius_km' && NUMBER.test(value)) radius = Number(value);
    else if (name === 'limit' && DIGITS.test(value) && Number(value) >= 1 && Number(value) <= MAX_LIMIT) limit = Number(value);
    else if (name === 'fields') fields = [...new Set(value.split(','))];
    else if (name === 'sort') {
      const column = value.replace(/^-/, '');
      if (!(COLUMNS as readonly string[]).includes(column) && column !== DISTANCE) return undefined;
      // Text columns sort by their folded text in whc-api: not expressed here.
      if (column !== DISTANCE && sqlType(column as ColumnName) === 'TEXT') return undefined;
      order = `${column} IS NULL, ${column}${value.startsWith('-') ? ' DESC' : ''}, unique_number`;
    } else return undefined;
  }
  if (fields.some((f) => f !== DISTANCE && !(COLUMNS as readonly string[]).includes(f))) return undefined;
  if (radius !== undefined && near === undefined) return undefined;
  let from = 'sites';
  if (near !== undefined) {
    // Nearest first, as whc-api orders a search with `near` and no sort; the row carries its distance.
    from = `(SELECT *, ${DISTANCE_SQL} AS ${DISTANCE} FROM sites WHERE point_lat IS NOT NULL)`;
    if (radius !== undefined) {
      where.push(`${DISTANCE} <= ?`);
      values.push(radius);
    }
    if (!seen.has('sort')) order = `${DISTANCE}, unique_number`;
    if (!seen.has('fields')) fields = [...COLUMNS, DISTANCE];
    values.unshift(near[0], near[0], near[1]);
  } else if (fields.includes(DISTANCE) || order.startsWith(DISTANCE)) return undefined;
  const filtered = `${from}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY ${order} LIMIT ?`;
  if (seen.has('fields')) return { sql: `SELECT $ROW, count(*) OVER () FROM ${filtered}`, values: [...values, limit], fields };
  // Whole rows: the page's ids first, then each page row's JSON by primary key. A window's total
  // makes SQLite compute the select list for every match, and whole rows' JSON is most of a
  // search's cost (measured per search in process: 0.4-0.7 of the time of the one-query form for
  // every whole-row filter set, but 1.4x for three fields, where that form stays).
  const matches = `SELECT unique_number AS id,${near === undefined ? '' : ` ${DISTANCE},`} count(*) OVER () AS total, row_number() OVER (ORDER BY ${order}) AS rank FROM ${filtered}`;
  return {
    sql: `SELECT $ROW, total FROM (${matches}) AS page JOIN sites ON sites.unique_number = page.id ORDER BY page.rank`,
    values: [...values, limit],
    fields,
  };
}
