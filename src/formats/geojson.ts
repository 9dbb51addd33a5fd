/**
 * GeoJSON (RFC 7946): a FeatureCollection of points, `[longitude, latitude]`, with the chosen
 * fields as properties. A site without a usable position (none, or the 0,0 placeholder) is a
 * feature with `geometry: null`, as RFC 7946 §3.2 allows, rather than a false point.
 */
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { ByteWriter } from './byte-writer.js';
import { membersOf, writeJsonMembers } from './fields.js';
import { newSpans } from '../data/body-spans.js';

export function geoJsonDocument(matches: readonly Match[], fields: readonly OutputField[]): Buffer {
  const out = new ByteWriter(matches.reduce((sum, m) => sum + m.site.body.length + 128, 64));
  const spans = newSpans();
  const members = membersOf(fields);
  out.text('{"type":"FeatureCollection","features":[');
  matches.forEach((match, i) => {
    const { point, body, uniqueNumber } = match.site;
    const geometry = point === undefined ? 'null' : `{"type":"Point","coordinates":[${point.lon},${point.lat}]}`;
    out.text(`${i > 0 ? ',' : ''}{"type":"Feature","id":${uniqueNumber},"geometry":${geometry},"properties":{`);
    match.site.readSpans(spans);
    writeJsonMembers(out, body, spans, members, match.distanceKm);
    out.text('}}');
  });
  out.text(']}');
  return out.done();
}
