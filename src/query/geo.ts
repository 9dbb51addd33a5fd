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

/** Haversine distance: well conditioned for small distances, unlike the spherical law of cosines. */
export function distanceKm(a: Point, b: Point): number {
  const dLat = (b.lat - a.lat) * RADIANS;
  const dLon = (b.lon - a.lon) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function inBoundingBox(p: Point, box: BoundingBox): boolean {
  if (p.lat < box.minLat || p.lat > box.maxLat) return false;
  return box.minLon <= box.maxLon ? p.lon >= box.minLon && p.lon <= box.maxLon : p.lon >= box.minLon || p.lon <= box.maxLon;
}
