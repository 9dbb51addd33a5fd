/**
 * Typical searches: a region in danger, a country's latest, words, a radius, a map window, facets of
 * a category, CSV. The bench measures them (run.ts) and the overload test loads the service with them.
 */
export const FILTERED_PATHS = [
  '/query?region=Africa&danger=true',
  '/query?category=Natural&limit=20&fields=unique_number,name_en,states_name_en',
  '/query?iso_code=it&sort=-date_inscribed&limit=10',
  '/query?q=temple&limit=10',
  '/query?near=48.8566,2.3522&radius_km=500&limit=10',
  '/query?bbox=-10,35,30,60&criterion=i&limit=25',
  '/query?inscribed_from=2010&inscribed_to=2015&format=csv',
] as const;
