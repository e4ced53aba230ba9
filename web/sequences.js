/* quake map: aftershock sequences. A significant event (M5.5+) and the
 * smaller events after it within twice its rupture length and its time
 * window form a group: the rupture length from Wells & Coppersmith (1994,
 * BSSA 84(4), table 2A, surface rupture length, all slip types):
 * log10(L km) = -3.22 + 0.69 M, the radius 2 L as the USGS Earthquake
 * Notification Service excludes aftershocks (at least 10 km, for epicentre
 * error); the window from 10 days (M5.5) to 120 days (M8+), ENS's range,
 * rising linearly with magnitude. Pure: window.quakeSequences(records, now). */
(function () {
  'use strict';

  var MIN_MAG = 5.5, DAY = 86400e3, R = 6371.0088;

  function ruptureKm(m) { return Math.pow(10, -3.22 + 0.69 * m); }
  function radiusKm(m) { return Math.max(10, 2 * ruptureKm(m)); }
  function windowMs(m) { return DAY * Math.min(120, Math.max(10, 10 + (m - MIN_MAG) * 44)); }
  function km(a, b) {
    var p1 = a.lat * Math.PI / 180, p2 = b.lat * Math.PI / 180, dl = (b.lon - a.lon) * Math.PI / 180;
    var h = Math.pow(Math.sin((p2 - p1) / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* records: [{ev, t}] (t: event time in ms). Returns [{main, after: [rec…],
     active}] largest first; each record is in one group at most (the largest
     main shock that claims it), a main shock is nobody's aftershock. */
  function groups(records, now) {
    var mains = records.filter(function (r) { return r.ev.mag != null && r.ev.mag >= MIN_MAG; })
      .sort(function (a, b) { return (b.ev.mag - a.ev.mag) || (a.t - b.t); });
    var taken = new Set(), out = [];
    mains.forEach(function (m) {
      if (taken.has(m)) return;
      var r = radiusKm(m.ev.mag), w = windowMs(m.ev.mag), after = [];
      records.forEach(function (x) {
        if (x === m || taken.has(x) || x.t < m.t || x.t > m.t + w) return;
        if (x.ev.mag != null && x.ev.mag >= m.ev.mag) return;
        if (km(m.ev, x.ev) <= r) after.push(x);
      });
      taken.add(m);
      after.forEach(function (x) { taken.add(x); });
      out.push({ main: m, after: after, active: now - m.t <= w, radius: r, window: w });
    });
    return out;
  }

  window.quakeSequences = { groups: groups, ruptureKm: ruptureKm, radiusKm: radiusKm,
                            windowMs: windowMs, km: km, MIN_MAG: MIN_MAG };
})();
