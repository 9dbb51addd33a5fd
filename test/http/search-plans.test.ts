/**
 * The search fast path's plans (src/http/fast-path/search-plans.ts): each the route's own reading
 * of the query string, kept within its bounds, never changed by a request.
 */
import { expect } from 'chai';
import { MAX_KEY_LENGTH, MAX_PLANS, SearchPlans } from '../../src/http/fast-path/search-plans.js';
import { decodeQuery } from '../../src/http/query-params.js';
import { answerDigest } from '../../src/http/representation/etag.js';
import { QUERY_DECODER } from '../../src/http/search-answer.js';
import { planQuery } from '../../src/query/site-query.js';

describe('search plans', () => {
  it("holds the route's own parameters, query, format and ETag digest, the same when kept", () => {
    const plans = new SearchPlans('/query');
    const search = 'category=Natural&limit=20&fields=unique_number,name_en&format=csv&criterion=vii';
    const params = new URLSearchParams(search);
    const raw = Object.fromEntries(params);
    const decoded = decodeQuery(QUERY_DECODER, raw);
    const made = plans.planOf(search);
    expect(made).to.deep.equal({ params: raw, query: planQuery(decoded), format: 'csv', digest: answerDigest('/query', 'csv', raw) });
    expect(plans.planOf(search), 'the kept plan').to.equal(made);
    expect(plans.planOf('q=temple')?.format, 'JSON without format=').to.equal('json');
  });

  it('plans only what the route would answer as a search', () => {
    const plans = new SearchPlans('/query');
    for (const search of [
      'colour=blue',
      'limit=0',
      'danger=maybe',
      'radius_km=5',
      'unique_number=230',
      'unique_number=230&limit=2',
      'q=a&q=b',
    ])
      expect(plans.planOf(search), search).to.equal(undefined);
    expect(plans.size).to.equal(0);
  });

  it(`keeps at most ${MAX_PLANS}, the oldest dropped first, and no query string over ${MAX_KEY_LENGTH} characters`, () => {
    const plans = new SearchPlans('/query');
    const first = plans.planOf('inscribed_from=1');
    for (let year = 2; year <= MAX_PLANS + 1; year++) plans.planOf(`inscribed_from=${year}`);
    expect(plans.size).to.equal(MAX_PLANS);
    expect(plans.planOf('inscribed_from=1'), 'the oldest was dropped: planned again').to.not.equal(first);
    expect(plans.planOf(`inscribed_from=${MAX_PLANS + 1}`), 'a recent one is kept').to.equal(
      plans.planOf(`inscribed_from=${MAX_PLANS + 1}`),
    );
    // A valid search (each value within its own cap) whose query string is over the bound.
    const long = `q=${'temple '.repeat(70).trim()}&state=${Array.from({ length: 120 }, () => 'Peru').join(',')}&limit=3`;
    expect(long.length).to.be.greaterThan(MAX_KEY_LENGTH);
    const fresh = new SearchPlans('/query');
    expect(fresh.planOf(long)?.query.limit, 'planned').to.equal(3);
    expect(fresh.size, 'a long query string is planned, not kept').to.equal(0);
  });

  it('hands out plans no request can change', () => {
    const plan = new SearchPlans('/query').planOf('region=Africa&criterion=i&fields=unique_number&sort=-date_inscribed');
    expect(plan).to.not.equal(undefined);
    for (const part of [
      plan,
      plan?.params,
      plan?.query,
      plan?.query.filter,
      plan?.query.filter.region,
      plan?.query.fields,
      plan?.query.sort,
    ])
      expect(Object.isFrozen(part), JSON.stringify(part)).to.equal(true);
  });
});
