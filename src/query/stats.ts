/** Facets: how many matching sites fall under each category, region, state and danger status. */
import type { FilterParams } from './parameters.js';
import { passingSites } from './filter.js';
import type { QueryIndex, SearchableSite } from './searchable-site.js';

export interface FacetCount<V> {
  readonly value: V;
  readonly count: number;
}

export interface Stats {
  readonly total: number;
  readonly facets: {
    readonly category: readonly FacetCount<string>[];
    readonly region: readonly FacetCount<string>[];
    readonly state: readonly FacetCount<string>[];
    readonly danger: readonly FacetCount<boolean>[];
  };
}

class Tally<V> {
  private readonly counts = new Map<V, number>();
  add(value: V): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
  /** Most frequent first, then by value, so the answer is deterministic. */
  sorted(): FacetCount<V>[] {
    return [...this.counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
}

/** A site with several states or regions counts once under each of them. */
export function computeStats(index: QueryIndex, filter: FilterParams): Stats {
  const category = new Tally<string>();
  const region = new Tally<string>();
  const state = new Tally<string>();
  const danger = new Tally<boolean>();
  let total = 0;
  for (const position of passingSites(index, filter).positions) {
    const site = index.sites[position] as SearchableSite;
    total += 1;
    category.add(site.category);
    for (const r of site.regionNames) region.add(r);
    for (const s of site.stateNames) state.add(s);
    danger.add(site.danger);
  }
  return { total, facets: { category: category.sorted(), region: region.sorted(), state: state.sorted(), danger: danger.sorted() } };
}
