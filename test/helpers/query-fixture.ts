/**
 * The query modules' inputs, made the way the service makes them: the bundled CSV loaded by
 * `loadDataset` into its `QueryIndex`, and parameters decoded by the codecs of `parameters.ts`
 * from their text. Unit tests of `src/query` call the modules directly on these; no server.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS, codecsOf, type QueryParams } from '../../src/query/parameters.js';
import type { QueryIndex } from '../../src/query/searchable-site.js';
import { planQuery, type SiteQuery } from '../../src/query/site-query.js';
import { DATA_FILE } from './reference-csv.js';

let loading: Promise<Dataset> | undefined;

/**
 * The bundled data, loaded once per mocha run and shared by every unit test file that reads it
 * (query, formats, load): each load took 0.3-0.5 s of the unit tier's 7 s (docs/testing.md).
 * Datasets are immutable, so sharing one cannot couple the files' tests.
 */
export function bundledDataset(): Promise<Dataset> {
  loading ??= loadDataset(DATA_FILE);
  return loading;
}

/** The bundled data's index (bundledDataset). */
export async function bundledIndex(): Promise<QueryIndex> {
  return (await bundledDataset()).index;
}

const QueryParamsCodec = t.partial({ ...codecsOf(FILTER_PARAMETERS), ...codecsOf(OUTPUT_PARAMETERS) });

/** Decodes parameters as a query string carries them; throws with io-ts's report when they do not decode. */
export function decodeParams(params: URLSearchParams): QueryParams {
  const decoded = QueryParamsCodec.decode(Object.fromEntries(params));
  if (E.isLeft(decoded)) throw new Error(`parameters ${params.toString()} do not decode: ${PathReporter.report(decoded).join('; ')}`);
  return decoded.right;
}

/** A runnable query from parameters text; throws when a rule between parameters is broken. */
export function plan(params: URLSearchParams): SiteQuery {
  const planned = planQuery(decodeParams(params));
  if (Array.isArray(planned)) throw new Error(`parameters ${params.toString()} break rules: ${JSON.stringify(planned)}`);
  return planned;
}
