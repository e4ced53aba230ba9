/* quake map's basemap, all from this page's own origin: Natural Earth country
 * outlines at the scale the view needs (1:110m at world zoom; 1:50m and 1:10m
 * fetched only when the view first zooms that far), and at regional zoom the
 * names of the largest places in view (GeoNames, the gazetteer file built at
 * make time), chosen by population and never overlapping. When quake-map runs
 * with --tiles, /basemap.json names the tile server and its attribution, and
 * a tile layer replaces all of this (the CSP allows that one origin). */
(function () {
  'use strict';

  /* the finest scale used from each zoom up */
  var SCALES = [[7, '10m'], [4, '50m'], [0, '110m']];
  var LABEL_ZOOM = 6;            /* place labels from this zoom */
  var LABEL_CELL = 150 * 60;     /* px² of view per label at most */
  var STYLE = { color: '#7a8a99', weight: 0.6, fillColor: '#f4f1ea', fillOpacity: 1 };

  var map, renderer, outlines = {}, shown = null, places = null, placesLoading = false;
  var labels = null, tiles = null, mode = null;   /* mode: 'offline' or 'tiles' once /basemap.json said */

  function scaleFor(z) {
    for (var i = 0; i < SCALES.length; i++) if (z >= SCALES[i][0]) return SCALES[i][1];
    return '110m';
  }

  /* rings that cross the antimeridian (Russia, Fiji) made continuous in
     longitude, so that no edge spans the whole map; then the whole ring
     moved by 360 when its middle left [-180, 180] (a ring that starts in
     Chukotka would otherwise put Kamchatka at -202 and off the view) */
  function unwrap(fc) {
    function ring(r) {
      var lo = r.length ? r[0][0] : 0, hi = lo, k;
      for (var i = 1; i < r.length; i++) {
        var d = r[i][0] - r[i - 1][0];
        if (d > 180) r[i] = [r[i][0] - 360, r[i][1]]; else if (d < -180) r[i] = [r[i][0] + 360, r[i][1]];
        if (r[i][0] < lo) lo = r[i][0]; if (r[i][0] > hi) hi = r[i][0];
      }
      k = (lo + hi) / 2 < -180 ? 360 : (lo + hi) / 2 > 180 ? -360 : 0;
      if (k) for (i = 0; i < r.length; i++) r[i] = [r[i][0] + k, r[i][1]];
    }
    fc.features.forEach(function (f) {
      var g = f.geometry; if (!g) return;
      (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [])
        .forEach(function (p) { p.forEach(ring); });
    });
    return fc;
  }

  /* the outlines of one scale: fetched once, kept; the finest one loaded so
     far that the view needs is on the map (a coarser one until it comes).
     The finer scales put only the countries near the view on the map (each
     country's layer made when first needed): Leaflet reprojects every
     point of a layer at each zoom, and 1:10m has a few hundred thousand. */
  function outline(scale) {
    if (outlines[scale]) return outlines[scale];
    var o = outlines[scale] = { layer: null };
    o.promise = fetch('/vendor/countries-' + scale + '.json').then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (topo) {
      var fc = unwrap(topojson.feature(topo, topo.objects.countries));
      if (scale === '110m') {
        o.layer = L.geoJSON(fc, { interactive: false, pane: 'land', renderer: renderer, style: STYLE });
      } else {
        o.layer = L.layerGroup();
        o.parts = fc.features.map(function (f) { return { f: f, box: bbox(f), layer: null }; });
      }
      o.layer.scale = scale;
      update();
    }).catch(function () { delete outlines[scale]; });
    return o;
  }
  function bbox(f) {
    var b = [Infinity, Infinity, -Infinity, -Infinity], g = f.geometry;
    (g ? g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [] : [])
      .forEach(function (p) { p.forEach(function (r) { r.forEach(function (c) {
        if (c[0] < b[0]) b[0] = c[0]; if (c[1] < b[1]) b[1] = c[1];
        if (c[0] > b[2]) b[2] = c[0]; if (c[1] > b[3]) b[3] = c[1];
      }); }); });
    return b;
  }
  /* a finer scale's countries: those whose box meets the view (and half a
     view around it) on the map, the others off it */
  function cull(o) {
    if (!o.parts) return;
    var v = map.getBounds().pad(0.5);
    o.parts.forEach(function (p) {
      var on = p.box[0] <= v.getEast() && p.box[2] >= v.getWest() && p.box[1] <= v.getNorth() && p.box[3] >= v.getSouth();
      if (on && !p.layer) p.layer = L.geoJSON(p.f, { interactive: false, pane: 'land', renderer: renderer, style: STYLE });
      if (on && !o.layer.hasLayer(p.layer)) o.layer.addLayer(p.layer);
      else if (!on && p.layer && o.layer.hasLayer(p.layer)) o.layer.removeLayer(p.layer);
    });
  }
  function bestLoaded(want) {
    for (var i = 0, on = false; i < SCALES.length; i++) {
      on = on || SCALES[i][1] === want;
      if (on && outlines[SCALES[i][1]] && outlines[SCALES[i][1]].layer) return outlines[SCALES[i][1]].layer;
    }
    return null;
  }

  /* ---- place labels ---- */
  function loadPlaces() {
    if (places || placesLoading) return;
    placesLoading = true;
    fetch('/vendor/places.tsv').then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (text) {
      /* name, country, lat, lon, population; largest first */
      places = [];
      text.split('\n').forEach(function (l) {
        if (!l || l.charAt(0) === '#') return;
        var f = l.split('\t');
        if (f.length < 5) return;
        var lat = Number(f[2]), lon = Number(f[3]);
        if (isFinite(lat) && isFinite(lon)) places.push({ name: f[0], country: f[1], lat: lat, lon: lon, pop: Number(f[4]) });
      });
      update();
    }).catch(function () { placesLoading = false; });
  }
  function drawLabels() {
    labels.clearLayers();
    if (!places || map.getZoom() < LABEL_ZOOM) { map.getContainer().removeAttribute('data-places'); return; }
    var b = map.getBounds(), size = map.getSize(), taken = [], n = 0;
    var max = Math.max(8, Math.floor(size.x * size.y / LABEL_CELL));
    var west = b.getWest(), east = b.getEast();
    for (var i = 0; i < places.length && n < max; i++) {
      var p = places[i], lon = p.lon;
      if (p.lat < b.getSouth() || p.lat > b.getNorth()) continue;
      /* the view's longitudes may run past ±180 (world copies) */
      while (lon < west) lon += 360;
      while (lon - 360 >= west) lon -= 360;
      if (lon > east) continue;
      var pt = map.latLngToContainerPoint([p.lat, lon]);
      /* the label's box with a margin: 10 px for the dot, 7 px a character */
      var box = [pt.x - 10, pt.y - 13, pt.x + 14 + 7 * p.name.length, pt.y + 13];
      if (box[0] < 0 || box[2] > size.x || box[1] < 0 || box[3] > size.y) continue;
      if (taken.some(function (t) { return box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]; })) continue;
      taken.push(box);
      var e = document.createElement('span');
      e.className = 'place-label' + (p.pop >= 1e6 ? ' big' : '');
      e.textContent = p.name;
      e.setAttribute('data-place', p.name);
      e.title = p.name + ', ' + p.country + ' (' + p.pop.toLocaleString('en') + ' people)';
      L.marker([p.lat, lon], { pane: 'places', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'place', html: e, iconSize: null, iconAnchor: [4, 4] }) }).addTo(labels);
      n++;
    }
    map.getContainer().setAttribute('data-places', n);
  }

  function update() {
    if (!map || mode !== 'offline') return;
    var z = map.getZoom(), want = scaleFor(z);
    outline(want);
    var best = bestLoaded(want);
    if (best && outlines[best.scale].parts) cull(outlines[best.scale]);
    if (best && best !== shown) {
      if (shown) map.removeLayer(shown);
      best.addTo(map);
      shown = best;
      map.getContainer().setAttribute('data-outlines', best.scale);
    }
    if (z >= LABEL_ZOOM) loadPlaces();
    drawLabels();
  }

  function escapeText(s) {
    var d = document.createElement('div'); d.textContent = s; return d.innerHTML;
  }
  function offline() {
    map.attributionControl.addAttribution('outlines: Natural Earth · places: ' +
      '<a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a> ' +
      '(<a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener noreferrer">CC BY 4.0</a>)');
    map.on('zoomend moveend', update);
    update();
  }

  /* app.js calls this with its map: the panes, then the tile server or the
     offline basemap */
  function attach(m) {
    map = m;
    map.createPane('land').style.zIndex = 350;     /* under the markers' overlay pane (400) */
    map.createPane('places').style.zIndex = 380;
    map.getPane('places').style.pointerEvents = 'none';
    renderer = L.svg({ pane: 'land', padding: 0.3 });
    labels = L.layerGroup().addTo(map);
    config.then(function (cfg) {
      if (cfg && typeof cfg.tiles === 'string' && cfg.tiles) {
        mode = 'tiles';
        tiles = L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
        map.attributionControl.addAttribution(escapeText(cfg.attribution || ''));
        map.getContainer().setAttribute('data-basemap', 'tiles');
      } else {
        mode = 'offline';
        map.getContainer().setAttribute('data-basemap', 'offline');
        offline();
      }
    });
  }

  /* asked for as soon as this script runs, before app.js makes the map */
  var config = fetch('/basemap.json').then(function (r) { return r.ok ? r.json() : {}; })
    .catch(function () { return {}; });

  window.quakeBasemap = { attach: attach, scaleFor: scaleFor };
})();
