/**
 * Search text and geometry, the pure helpers under the filters: `plainText`, `fold` and `words`
 * against `he` and a combining-marks range (the service uses `entities` and `\p{M}`), `distanceKm` (haversine) against
 * the unit-vector formula of the model and a published distance, and bounding boxes.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { distanceKm, EARTH_RADIUS_KM, inBoundingBox } from '../../src/query/geo.js';
import { fold, plainText, words } from '../../src/query/text.js';
import { referenceData } from '../helpers/reference-csv.js';
import { htmlToText, referenceDistanceKm } from '../helpers/reference-query.js';

const reference = referenceData();
/** NFD, not the model's NFKD: folding keeps compatibility characters (`km²` stays `km²`). */
const nfdFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
/** `words` as its definition reads, in regular expressions: NFD, every `\p{M}` dropped, lower case, runs of `\p{L}\p{N}`. */
const wordsSpec = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
const cells = (column: string) => reference.rows.map((row) => row[column]).filter((v): v is string => typeof v === 'string');

describe('search text (unit)', () => {
  it('reads every name and short description of the data as he and NFD folding do', () => {
    const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
    let checked = 0;
    for (const column of ['name_en', 'name_fr', 'short_description_en', 'short_description_fr', 'states_name_fr']) {
      for (const cell of cells(column)) {
        expect(fold(plainText(cell)), cell.slice(0, 60)).to.equal(collapse(nfdFold(htmlToText(cell))));
        checked += 1;
      }
    }
    expect(checked).to.be.above(4000);
  });

  it('decodes the entities and drops the tags the data uses', () => {
    expect(plainText('<p>C&ocirc;te d&rsquo;Ivoire</p>  <br/>x')).to.equal('Côte d’Ivoire x');
    expect(words(plainText('Vallée de <em>Bamiyan</em>, 1979&nbsp;AD'))).to.deep.equal(['vallee', 'de', 'bamiyan', '1979', 'ad']);
    expect(fold('ÉCIJA Ñandú')).to.equal('ecija nandu');
  });

  it('splits words on anything but letters and digits (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'É', ' ', '-', '’', '7', ',', 'ß', '\t') }), (s) => {
        const expected = nfdFold(s)
          .split(/[^\p{L}\p{N}]+/u)
          .filter((w) => w !== '');
        expect(words(s)).to.deep.equal(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('finds the words of any text, other scripts, astral letters and lone surrogates included, as split on \\p{L}\\p{N} does (property)', () => {
    // Greek final sigma, Turkish dotted I (lowercases to i + a combining dot), German sharp s, an
    // ideograph whose NFD is outside the BMP (U+FA6C), Arabic-Indic and fullwidth digits, CJK, a
    // letter and a digit outside the BMP, marks on their own, lone surrogates, and ASCII
    // punctuation and controls.
    const unit = fc.constantFrom(
      ...['a', 'Z', '0', ' ', '-', '_', '\u0000', '\n', 'É', 'ß', 'Σ', 'σ', 'İ', 'ı', '\u0301', '\u20dd', '٣', '７', '中', '𝒜', '𝟘', '😀'],
      ...['\ud800', '\udc00', 'ǅ', 'ﬁ', '’', '\u00a0', '\ufa6c'],
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
        expect(words(s)).to.deep.equal(wordsSpec(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads every code unit as split on \\p{L}\\p{N} does, between two letters', () => {
    // A letter joins the two, anything else splits them, and a mark is dropped between them.
    const between = (unit: number) => `A${String.fromCharCode(unit)}b`;
    // A thousand units to a text, `-` between them: the spec's regular expressions run once a
    // text, not once a unit (the whole check takes a tenth of the time). A text that goes
    // outside the BMP once normalized would take words()'s regex path as a whole, so its units
    // are checked one by one, as is any text that differs, to name the unit.
    for (let first = 0; first <= 0xffff; first += 1024) {
      const units = Array.from({ length: Math.min(1024, 0x10000 - first) }, (_, i) => first + i);
      const text = units.map(between).join('-');
      if (!/[\ud800-\udfff]/.test(text.normalize('NFD')) && JSON.stringify(words(text)) === JSON.stringify(wordsSpec(text))) continue;
      for (const unit of units) expect(words(between(unit)), `U+${unit.toString(16)}`).to.deep.equal(wordsSpec(between(unit)));
    }
  });
});

describe('geometry (unit)', () => {
  const lat = fc.double({ min: -90, max: 90, noNaN: true });
  const lon = fc.double({ min: -180, max: 180, noNaN: true });

  it('agrees with the unit-vector distance of the model to a metre (property)', () => {
    fc.assert(
      fc.property(lat, lon, lat, lon, (a, b, c, d) => {
        expect(distanceKm(a, b, c, d)).to.be.closeTo(referenceDistanceKm([a, b], [c, d]), 1e-3);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives Rosetta Code's haversine figure, Nashville BNA to Los Angeles LAX, once scaled to its radius", () => {
    // Rosetta Code "Haversine formula": 2887.2599506071106 km with a radius of 6372.8 km.
    const km = distanceKm(36.12, -86.67, 33.94, -118.4);
    expect((km * 6372.8) / EARTH_RADIUS_KM).to.be.closeTo(2887.2599506, 1e-6);
  });

  it('tests boxes as the model does, across the 180th meridian too (property)', () => {
    fc.assert(
      fc.property(lat, lon, lat, lat, lon, lon, (pLat, pLon, lat1, lat2, minLon, maxLon) => {
        const [minLat, maxLat] = lat1 <= lat2 ? [lat1, lat2] : [lat2, lat1];
        const lonInside = minLon <= maxLon ? pLon >= minLon && pLon <= maxLon : pLon >= minLon || pLon <= maxLon;
        expect(inBoundingBox(pLat, pLon, { minLon, minLat, maxLon, maxLat })).to.equal(pLat >= minLat && pLat <= maxLat && lonInside);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts a site with no point (NaN in the index) in no box, the whole world and boxes across the 180th meridian included', () => {
    for (const box of [
      { minLon: -180, minLat: -90, maxLon: 180, maxLat: 90 },
      { minLon: 170, minLat: -90, maxLon: -170, maxLat: 90 },
    ]) {
      expect(inBoundingBox(NaN, NaN, box)).to.equal(false);
      expect(inBoundingBox(0, NaN, box)).to.equal(false);
      expect(inBoundingBox(NaN, 0, box)).to.equal(false);
    }
  });
});
