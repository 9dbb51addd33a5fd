/**
 * GeoJSON (RFC 7946): a FeatureCollection of points, `[longitude, latitude]`, with the chosen
 * fields as properties. A site without a usable position (none, or the 0,0 placeholder) is a
 * feature with `geometry: null`, as RFC 7946 §3.2 allows, rather than a false point.
 */
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { fieldValue } from './fields.js';

export function geoJsonDocument(matches: readonly Match[], fields: readonly OutputField[]): string {
  const features = matches.map((match) => {
    const { point } = match.site;
    const row = match.site.row;
    return {
      type: 'Feature',
      id: match.site.uniqueNumber,
      geometry: point === undefined ? null : { type: 'Point', coordinates: [point.lon, point.lat] },
      properties: Object.fromEntries(fields.map((field) => [field, fieldValue(match, row, field)])),
    };
  });
  return JSON.stringify({ type: 'FeatureCollection', features });
}
