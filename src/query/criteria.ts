/** The ten selection criteria: (i)-(vi) cultural, columns C1-C6; (vii)-(x) natural, columns N7-N10. */
import type { Row } from '../data/row.js';

export const CRITERIA = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'] as const;
export type Criterion = (typeof CRITERIA)[number];

const CRITERION_COLUMNS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'N7', 'N8', 'N9', 'N10'] as const satisfies readonly (keyof Row)[];

/** The criteria a site was inscribed under, read from the flag columns (they agree with `criteria_txt`). */
export function criteriaOf(row: Row): Set<Criterion> {
  const met = new Set<Criterion>();
  CRITERIA.forEach((criterion, i) => {
    if (row[CRITERION_COLUMNS[i] as (typeof CRITERION_COLUMNS)[number]] === true) met.add(criterion);
  });
  return met;
}
