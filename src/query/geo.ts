/** Great-circle geometry on a spherical Earth: good to about 0.5 %, plenty for "sites near me". */

/** IUGG mean Earth radius, in kilometres. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface Point {
  readonly lat: number;
  readonly lon: number;
}

/** min/max longitude and latitude; `minLon > maxLon` means the box crosses the 180th meridian. */
export interface BoundingBox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

const RADIANS = Math.PI / 180;

/**
 * Haversine distance: well conditioned for small distances, unlike the spherical law of cosines.
 * Coordinates, not points: searches read them from the index's columns (no object per site).
 */
export function distanceKm(latA: number, lonA: number, latB: number, lonB: number): number {
  const dLat = (latB - latA) * RADIANS;
  const dLon = (lonB - lonA) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(latA * RADIANS) * Math.cos(latB * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** NaN (a site with no point, in the index's columns) is never inside. */
export function inBoundingBox(lat: number, lon: number, box: BoundingBox): boolean {
  if (!(lat >= box.minLat && lat <= box.maxLat)) return false;
  return box.minLon <= box.maxLon ? lon >= box.minLon && lon <= box.maxLon : lon >= box.minLon || lon <= box.maxLon;
}
