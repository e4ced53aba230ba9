/* quake map: the events quake-map holds, live over Server-Sent Events, on a
 * Leaflet map (its basemap: basemap.js). Everything comes from this page's own
 * origin. One record per event id; a marker and a list row carry its
 * data-event-id, and an update changes them in place. */
(function () {
  'use strict';

  /* the time ranges (live windows, '1y', 'custom' from..to): range.js */
  var BIN_WORD = { '5m': '5 minutes', '1h': 'hour', '1d': 'day' };
  var LIST_MAX = 500;          /* rows in the list at most (the map shows all) */
  var EMSC = 'https://www.seismicportal.eu/eventdetails.html?unid=';
  var DEFAULTS = { minmag: '0', win: '7d', q: '', color: 'age', tz: 'utc', sort: 'time',
                   inview: '0', alert: '4.5', sel: '', c: '', shake: '1',
                   from: '', to: '' };
  var AGE = [[3600e3, '#d7301f', 'past hour'], [86400e3, '#fc8d59', 'past day'],
             [7 * 86400e3, '#fdd049', 'past week'], [Infinity, '#e0e0e0', 'older']];
  var DEPTH = [[35, '#d7301f', '0–35 km'], [70, '#fc8d59', '35–70 km'],
               [300, '#41ab5d', '70–300 km'], [Infinity, '#2171b5', '> 300 km']];
  /* the list's magnitude badges: the chart's bands (< 2, 2–4, 4–6, 6+) */
  var MAGBAND = [[2, '#6b9ac4'], [4, '#e69138'], [6, '#cc4125'], [Infinity, '#7f0000']];
  var SORTS = {                /* the list's orders, and the FDSN orderby of each */
    time: [function (a, b) { return b.t - a.t; }, 'time'],
    'time-asc': [function (a, b) { return a.t - b.t; }, 'time-asc'],
    mag: [function (a, b) { return (b.ev.mag - a.ev.mag) || (b.t - a.t); }, 'magnitude'],
    'mag-asc': [function (a, b) { return (a.ev.mag - b.ev.mag) || (b.t - a.t); }, 'magnitude-asc'] };
  var NARROW = window.matchMedia('(max-width: 700px)');

  var state = {};              /* the filters and view, mirrored in the URL hash */
  var events = new Map();      /* id -> {ev, marker, row, fresh} */
  var map, layer, legend, es, lastSeq = null, ready = false, renderTimer = null;
  var lastShown = [], alertCount = 0, baseTitle = document.title, retries = 0, summaryTimer = null;
  var newEvents = 0, newDets = 0, expanded = new Set(), lastGroups = [];

  function $(id) { return document.getElementById(id); }

  /* ---- state <-> URL ---- */
  var written = null;          /* the hash this page last wrote */
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    Object.keys(DEFAULTS).forEach(function (k) { state[k] = p.has(k) ? p.get(k) : DEFAULTS[k]; });
    if (!quakeRange.valid(state)) state.win = DEFAULTS.win;
  }
  function writeHash() {
    var p = new URLSearchParams();
    Object.keys(DEFAULTS).forEach(function (k) { if (state[k] !== DEFAULTS[k]) p.set(k, state[k]); });
    var h = p.toString();
    written = h ? '#' + h : '';
    history.replaceState(null, '', location.pathname + location.search + (h ? '#' + h : ''));
    $('x-permalink').href = location.href;
  }
  function viewToState() {
    var c = map.getCenter();
    state.c = c.lat.toFixed(3) + ',' + c.lng.toFixed(3) + ',' + map.getZoom();
  }

  /* ---- formatting ---- */
  function fmtTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    if (state.tz === 'utc') return d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
    return d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  }
  function ago(iso) {
    var s = (Date.now() - Date.parse(iso)) / 1000;
    if (s < 90) return Math.max(0, Math.round(s)) + ' s ago';
    if (s < 5400) return Math.round(s / 60) + ' min ago';
    if (s < 129600) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function magText(ev) { return ev.mag == null ? '?' : Number(ev.mag).toFixed(1); }
  function colorOf(ev) {
    var scale = state.color === 'depth' ? DEPTH : AGE;
    var v = state.color === 'depth' ? ev.depth : Date.now() - Date.parse(ev.time);
    for (var i = 0; i < scale.length; i++) if (v < scale[i][0]) return scale[i][1];
    return scale[scale.length - 1][1];
  }
  function magColor(mag) {
    for (var i = 0; i < MAGBAND.length; i++) if ((mag == null ? 0 : mag) < MAGBAND[i][0]) return MAGBAND[i][1];
    return MAGBAND[MAGBAND.length - 1][1];
  }
  function sortOf() { return (SORTS[state.sort] || SORTS.time)[0]; }
  function radiusOf(mag) { return Math.max(3, 3 + 2.4 * ((mag == null ? 0 : mag) - 1)); }

  /* ---- filtering ---- */
  function passes(rec, now) {
    var ev = rec.ev;
    if ((ev.mag == null ? -9 : ev.mag) < Number(state.minmag)) return false;
    var span = quakeRange.bounds(state, now);
    if (rec.t < span[0] || rec.t >= span[1]) return false;
    if (state.q && ((ev.region || '') + '\n' + (ev.place || '')).toLowerCase().indexOf(state.q.toLowerCase()) < 0) return false;
    return true;
  }

  /* ---- one event's elements ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function popupFor(rec) {
    var ev = rec.ev, box = el('div', 'popup'), dl = el('dl');
    box.setAttribute('data-event-id', ev.id);
    box.appendChild(el('h3', null, 'M ' + magText(ev) + ' ' + (ev.place || ev.region || '')));
    [['time', fmtTime(ev.time) + ' (' + ago(ev.time) + ')'],
     ['magnitude', magText(ev) + ' ' + (ev.magtype || '')],
     ['depth', ev.depth == null ? '?' : ev.depth + ' km'],
     ['location', ev.lat + ', ' + ev.lon], ['place', ev.place || ''], ['region', ev.region || ''],
     ['agency', ev.auth || ''], ['updated', fmtTime(ev.lastupdate)]].forEach(function (r) {
      if (r[0] === 'place' && !r[1]) return;
      dl.appendChild(el('dt', null, r[0])); dl.appendChild(el('dd', r[0] === 'place' ? 'place' : null, r[1]));
    });
    box.appendChild(dl);
    var a = el('a', null, 'EMSC event page');
    a.href = EMSC + encodeURIComponent(ev.id); a.target = '_blank'; a.rel = 'noopener noreferrer';
    box.appendChild(a);
    return box;
  }
  function makeMarker(rec) {
    var m = L.circleMarker([rec.ev.lat, rec.ev.lon], { className: 'quake', weight: 1, color: '#333',
      fillOpacity: 0.8, bubblingMouseEvents: false });
    /* the SVG path is made each time the marker is added to the map */
    m.on('add', function () {
      m.getElement().setAttribute('data-event-id', rec.ev.id);
      if (rec.alert) m.getElement().classList.add('alert');
    });
    m.bindPopup(function () { return popupFor(rec); }, { maxWidth: 320 });
    m.on('popupopen', function () { select(rec.ev.id, false); });
    m.on('popupclose', function () { if (state.sel === rec.ev.id) { state.sel = ''; writeHash(); markSelected(); } });
    return m;
  }
  function styleMarker(rec) {
    var ev = rec.ev;
    rec.marker.setLatLng([ev.lat, ev.lon]);
    rec.marker.setRadius(radiusOf(ev.mag));
    rec.marker.setStyle({ fillColor: colorOf(ev) });
    if (rec.marker.isPopupOpen()) rec.marker.setPopupContent(popupFor(rec));
  }
  /* a row is made when the event is first listed (clicks are delegated to the list) */
  function rowOf(rec) {
    if (rec.row) return rec.row;
    var li = rec.row = el('li');
    li.tabIndex = 0;
    li.setAttribute('data-event-id', rec.ev.id);
    li.appendChild(el('span', 'mag')); li.appendChild(el('span', 'region'));
    li.appendChild(el('span', 'when'));
    return li;
  }
  /* a main shock's row says how many aftershocks follow it: a button opens them */
  function seqButton(rec, g) {
    var b = rec.row.querySelector('.seq');
    if (!g) { if (b) b.remove(); rec.row.classList.remove('main'); return; }
    if (!b) { b = el('button', 'seq'); b.type = 'button'; rec.row.appendChild(b); }
    var open = expanded.has(rec.ev.id);
    b.textContent = (open ? '▾ ' : '▸ ') + 'M' + magText(rec.ev) + ' and ' + g.after.length +
      (g.after.length === 1 ? ' aftershock' : ' aftershocks');
    b.setAttribute('aria-expanded', open ? 'true' : 'false');
    rec.row.classList.add('main');
    rec.row.classList.toggle('pinned', !!g.active);
  }
  function fillRow(rec) {
    var ev = rec.ev, c = rowOf(rec).children;
    c[0].textContent = magText(ev);
    c[0].style.background = magColor(ev.mag);
    c[1].textContent = ev.place || ev.region || '';
    c[1].title = ev.region || '';
    c[2].textContent = fmtTime(ev.time) + ' · ' + (ev.depth == null ? '?' : ev.depth) + ' km · ' +
      (ev.magtype || '') + ' · ' + (ev.auth || '') + (ev.place && ev.region ? ' · ' + ev.region : '');
    rec.row.classList.toggle('alert', !!rec.alert);
  }

  /* ---- selection ---- */
  function select(id, pan) {
    var rec = events.get(id);
    state.sel = id;
    writeHash();
    markSelected();
    if (!rec || !rec.marker || !map.hasLayer(rec.marker)) return;
    if (pan) {                 /* from the list: zoom to it (on a phone, show the map) */
      if (NARROW.matches) setPane('map');
      map.setView(rec.marker.getLatLng(), Math.max(map.getZoom(), 6), { animate: false });
    }
    if (!rec.marker.isPopupOpen()) rec.marker.openPopup();
  }
  function markSelected() {
    var old = $('list').querySelector('li.selected'), rec = events.get(state.sel);
    if (old && old.getAttribute('data-event-id') !== state.sel) old.classList.remove('selected');
    if (rec && rec.row) rec.row.classList.add('selected');
  }

  /* ---- rendering: markers for every event that passes, the list capped ---- */
  function scheduleRender(soon) {
    if (renderTimer) return;
    renderTimer = setTimeout(function () { renderTimer = null; render(); }, soon ? 0 : 150);
  }
  function render() {
    var now = Date.now(), shown = [], bounds = map.getBounds(), added = 0;
    if (!ready) { $('count').textContent = 'loading ' + events.size; return; }
    events.forEach(function (rec) {
      var on = passes(rec, now);
      if (on && !rec.marker) rec.marker = makeMarker(rec);
      if (on && !layer.hasLayer(rec.marker)) { layer.addLayer(rec.marker); added++; rec.dirty = true; }
      else if (!on && rec.marker && layer.hasLayer(rec.marker)) layer.removeLayer(rec.marker);
      if (on && rec.dirty) { styleMarker(rec); rec.dirty = false; }
      if (on) shown.push(rec);
    });
    /* small markers on top of large ones, so that none is hidden */
    if (added) shown.slice().sort(function (a, b) { return (b.ev.mag || 0) - (a.ev.mag || 0); })
      .forEach(function (rec) { rec.marker.bringToFront(); });
    var listed = state.inview === '1' ?
      shown.filter(function (r) { return bounds.contains(r.marker.getLatLng()); }) : shown;
    listed.sort(sortOf());
    var ordered = grouped(listed, now);
    var rows = detRows(now).concat(ordered.slice(0, LIST_MAX).map(function (rec) {
      fillRow(rec); seqButton(rec, rec.group); rec.row.classList.toggle('after', !!rec.mainOf);
      rec.row.hidden = !!rec.mainOf && !expanded.has(rec.mainOf);
      return rec.row; }));
    $('list').replaceChildren.apply($('list'), rows);
    $('more').hidden = listed.length <= LIST_MAX;
    $('more').textContent = (listed.length - LIST_MAX) + ' more: narrow the filters to list them';
    lastShown = shown;
    $('count').textContent = shown.length + ' shown of ' + events.size;
    document.body.setAttribute('data-shown', shown.length);
    markSelected();
    updateExport();
  }
  function cmpTime(a, b) { return b.t - a.t; }
  /* sequences (sequences.js): an active one's main shock pinned first (largest
     first), its aftershocks after it (shown when opened); a past one in its
     place in the order; listed is sorted */
  function grouped(listed, now) {
    var gs = window.quakeSequences ? quakeSequences.groups(listed, now).filter(function (g) { return g.after.length; }) : [];
    var after = new Map(), out = [];
    listed.forEach(function (r) { r.group = null; r.mainOf = null; });
    gs.forEach(function (g) { g.main.group = g; g.after.forEach(function (a) { a.mainOf = g.main.ev.id; after.set(a, g); }); });
    function put(g) {
      out.push(g.main);
      listed.forEach(function (r) { if (after.get(r) === g) out.push(r); });
    }
    gs.filter(function (g) { return g.active; }).forEach(put);
    listed.forEach(function (r) {
      if (after.has(r) || (r.group && r.group.active)) return;
      if (r.group) put(r.group); else out.push(r);
    });
    lastGroups = gs;
    return out;
  }
  /* quake-shake's detections (shake.js) as rows of their own, newest first,
     while the phones' layer is on */
  function detRows(now) {
    var dets = window.quakeMap && quakeMap.detections, out = [];
    if (!dets || state.shake === '0') { $('det-count').hidden = true; return out; }
    var span = quakeRange.bounds(state, now);
    dets.forEach(function (r) {
      var d = r.d, t = Date.parse(d.time);
      if (t < span[0] || t >= span[1]) return;
      if (!r.row) {
        r.row = el('li', 'det'); r.row.tabIndex = 0; r.row.setAttribute('data-detection-id', d.id);
        r.row.appendChild(el('span', 'mag')); r.row.appendChild(el('span', 'region')); r.row.appendChild(el('span', 'when'));
      }
      var c = r.row.children;
      c[0].textContent = d.devices; c[0].title = d.devices + ' phones';
      c[1].textContent = 'Phones shaking: ' + d.devices + ' devices' + (d.place ? ', ' + d.place : '');
      c[2].textContent = fmtTime(d.time) + ' · peak ' + Number(d.peak).toPrecision(3) + ' m/s² · ' +
        d.lat.toFixed(2) + ', ' + d.lon.toFixed(2);
      r.row.t = t;
      out.push(r.row);
    });
    out.sort(function (a, b) { return b.t - a.t; });
    $('det-count').hidden = !out.length;
    $('det-count').textContent = out.length + (out.length === 1 ? ' detection' : ' detections') + ' by phones';
    document.body.setAttribute('data-det-rows', out.length);
    return out;
  }

  /* ---- the live feed ---- */
  function upsert(ev, live) {
    var rec = events.get(ev.id);
    if (rec) {
      if (rec.ev.lastupdate && ev.lastupdate && ev.lastupdate < rec.ev.lastupdate) return;
      rec.ev = ev; rec.t = Date.parse(ev.time); rec.dirty = true;
    } else {
      rec = { ev: ev, t: Date.parse(ev.time), dirty: true, marker: null, row: null };
      events.set(ev.id, rec);
      if (live && ev.mag != null && ev.mag >= Number(state.alert)) announce(rec);
    }
    if (live) {
      var r = rowOf(rec);
      r.classList.remove('fresh'); void r.offsetWidth; r.classList.add('fresh');
    }
    if (ev.id === state.sel && ready) scheduleOpenSel();
  }
  function banner(text) {
    alertCount++;
    document.title = '(' + alertCount + ') ' + baseTitle;
    $('alerts').hidden = false;
    $('alerts').textContent = [newEvents ? newEvents + ' new ≥ M' + state.alert : '',
      newDets ? newDets + (newDets === 1 ? ' new detection' : ' new detections') : ''].filter(Boolean).join(' · ');
    $('announce').textContent = text;
    $('banner').textContent = text;
    $('banner').hidden = false;
  }
  function announce(rec) {
    rec.alert = true;
    newEvents++;
    banner('New earthquake: M ' + magText(rec.ev) + ' ' + (rec.ev.place || rec.ev.region || '') +
      ', ' + fmtTime(rec.ev.time));
  }
  /* shake.js: a detection that came live (not one held when the page opened) */
  function announceDetection(d) {
    newDets++;
    banner('Phones shaking: ' + d.devices + ' devices ' + (d.place || 'at ' + d.lat.toFixed(2) + ', ' + d.lon.toFixed(2)) +
      ', ' + fmtTime(d.time));
    scheduleRender(true);
  }
  function clearAlerts() {
    alertCount = newEvents = newDets = 0; document.title = baseTitle; $('alerts').hidden = true; $('banner').hidden = true;
    events.forEach(function (rec) {
      if (!rec.alert) return;
      rec.alert = false; if (rec.row) rec.row.classList.remove('alert');
      if (rec.marker && rec.marker.getElement()) rec.marker.getElement().classList.remove('alert');
    });
  }
  function setConn(s, text) { $('conn').setAttribute('data-state', s); $('conn').textContent = text; }
  function connect() {
    /* a fresh EventSource (after the browser gave up) resumes with ?since=;
       its own reconnects send Last-Event-ID */
    var url = '/events/stream' + (lastSeq != null ? '?since=' + encodeURIComponent(lastSeq) : '');
    es = new EventSource(url);
    es.onopen = function () {
      retries = 0;
      setConn(ready ? 'live' : 'connecting', ready ? 'live' : 'loading…');
      if (!ready) quietReady();
    };
    es.onmessage = function (m) {
      var ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (!ev || typeof ev.id !== 'string') return;
      if (m.lastEventId) lastSeq = m.lastEventId;
      upsert(ev, ready);
      if (!ready) quietReady();
      scheduleRender(false);
      if (ready) scheduleSummary();
    };
    es.addEventListener('ready', onReady);
    es.onerror = onError;
  }
  /* the initial set is complete: a 'ready' event says so, or 400 ms of quiet */
  var quietTimer = null;
  function quietReady() { clearTimeout(quietTimer); quietTimer = setTimeout(onReady, 400); }
  function onReady() {
    var first = !ready;
    clearTimeout(quietTimer);
    ready = true;
    setConn('live', 'live');
    if (first) { render(); fitHeld(); }
    scheduleRender(true);
    if (first) { scheduleOpenSel(); fetchSummary(); noteGenerated(); }
  }
  /* make run offline holds a generated week (scripts/quake-run): say so */
  var GENERATED = 'quake-run-generated';
  function noteGenerated() {
    var n = 0, box = document.getElementById('generated');
    events.forEach(function (rec) { if (rec.ev.source_catalog === GENERATED) n++; });
    if (!box || !n) return;
    box.textContent = n + ' of these events are generated (make run offline), not real';
    box.hidden = false;
  }
  function onError() {
    if (es.readyState === EventSource.CLOSED) {
      setConn('offline', 'offline, retrying');
      retries++;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, Math.min(retries, 6))));
    } else {
      setConn('reconnecting', 'reconnecting…');
    }
  }
  var openSelTimer = null;
  function scheduleOpenSel() {
    if (openSelTimer || !state.sel) return;
    openSelTimer = setTimeout(function () {
      openSelTimer = null;
      render();
      var rec = events.get(state.sel);
      if (rec && rec.marker && map.hasLayer(rec.marker) && !rec.marker.isPopupOpen()) {
        rec.marker.openPopup();
        if (rec.row && rec.row.isConnected) rec.row.scrollIntoView({ block: 'nearest' });
      }
    }, 200);
  }

  /* ---- the chart: events per bin from /summary, stacked by magnitude band ---- */
  function scheduleSummary() {
    if (summaryTimer) return;
    summaryTimer = setTimeout(function () { summaryTimer = null; fetchSummary(); }, 5000);
  }
  function fetchSummary() {
    var bin = quakeRange.bin(state, Date.now()), p = new URLSearchParams({ bin: bin });
    $('chart-title').textContent = 'events per ' + BIN_WORD[bin] + ' (' + (state.win === 'custom' ?
      state.from + ' – ' + state.to : 'last ' + $('f-window').selectedOptions[0].textContent) + ')';
    if (state.win === '1y' || state.win === 'custom') quakeRange.fdsn(state, p, Date.now());
    p.delete('endtime');
    fetch('/summary?' + p.toString()).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) drawChart(s, bin); }).catch(function () {});
  }
  function drawChart(s, bin) {
    /* /summary: counts[i] = [n per band] of the bin starting at start + i * bin_seconds */
    var svg = $('chart'), NS = 'http://www.w3.org/2000/svg', span = quakeRange.bounds(state, Date.now());
    var ms = (s.bin_seconds || { '5m': 300, '1h': 3600, '1d': 86400 }[bin]) * 1000, since = span[0];
    var n = Math.max(1, Math.ceil((Math.min(span[1], Date.now()) - since) / ms)), t0 = Math.floor(since / ms) * ms;
    var start = Date.parse(s.start), cols = new Array(n + 1), max = 1, held = 0;
    for (var i = 0; i <= n; i++) cols[i] = [0, 0, 0, 0];
    (s.counts || []).forEach(function (c, i) {
      var k = Math.floor((start + i * ms - t0) / ms);
      if (k < 0 || k > n || !Array.isArray(c)) return;
      c.forEach(function (v, j) { cols[k][Math.min(j, 3)] += v; held += v; });
    });
    cols.forEach(function (c) { max = Math.max(max, c[0] + c[1] + c[2] + c[3]); });
    var kids = [], w = 300 / (n + 1);
    cols.forEach(function (c, k) {
      var y = 60;
      c.forEach(function (v, j) {
        if (!v) return;
        var h = v / max * 58, r = document.createElementNS(NS, 'rect');
        y -= h;
        r.setAttribute('x', (k * w).toFixed(2)); r.setAttribute('width', Math.max(0.5, w - 0.3).toFixed(2));
        r.setAttribute('y', y.toFixed(2)); r.setAttribute('height', h.toFixed(2));
        r.setAttribute('class', 'b' + j);
        var tt = document.createElementNS(NS, 'title');
        tt.textContent = fmtTime(new Date(t0 + k * ms).toISOString()) + ': ' + v + ' in band ' + ['<2', '2–4', '4–6', '≥6'][j];
        r.appendChild(tt);
        kids.push(r);
      });
    });
    svg.replaceChildren.apply(svg, kids);
    svg.setAttribute('data-events', held);
  }

  /* ---- export: CSV of exactly what is shown (made here, on click), and the
     FDSN query for it (the region search is not an FDSN parameter) ---- */
  function csvField(v) {
    v = v == null ? '' : String(v);
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function csvOfShown() {
    var rows = ['time,latitude,longitude,depth,mag,magType,id,updated,place,type,auth'];
    lastShown.slice().sort(sortOf())
      .forEach(function (r) {
        var e = r.ev;
        rows.push([e.time, e.lat, e.lon, e.depth, e.mag, e.magtype, e.id, e.lastupdate, e.region, e.evtype, e.auth]
          .map(csvField).join(','));
      });
    return rows.join('\r\n') + '\r\n';
  }
  var csvUrl = null;
  function csvClick() {
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = URL.createObjectURL(new Blob([csvOfShown()], { type: 'text/csv' }));
    $('x-csv').href = csvUrl;
  }
  /* ---- export: the FDSN query for what is shown ---- */
  function updateExport() {
    var p = new URLSearchParams();
    quakeRange.fdsn(state, p, Date.now());
    if (Number(state.minmag) > 0) p.set('minmagnitude', state.minmag);
    if (state.inview === '1') {
      var b = map.getBounds();
      p.set('minlatitude', Math.max(-90, b.getSouth()).toFixed(3)); p.set('maxlatitude', Math.min(90, b.getNorth()).toFixed(3));
      p.set('minlongitude', Math.max(-180, b.getWest()).toFixed(3)); p.set('maxlongitude', Math.min(180, b.getEast()).toFixed(3));
    }
    p.set('orderby', (SORTS[state.sort] || SORTS.time)[1]);
    [['x-geojson', 'geojson', 'quakes.geojson'], ['x-text', 'text', 'quakes.txt'], ['x-quakeml', 'xml', 'quakes.xml']]
      .forEach(function (x) {
        p.set('format', x[1]);
        $(x[0]).href = '/fdsnws/event/1/query?' + p.toString();
        $(x[0]).setAttribute('download', x[2]);
        $(x[0]).title = state.q ? 'the FDSN answer cut to the events the region search shows' : '';
      });
  }
  /* the region search is no FDSN parameter: with one, an export is the FDSN
     answer cut here to the ids shown (each format keeps its own shape) */
  function filtered(fmt, text) {
    var keep = new Set(lastShown.map(function (r) { return r.ev.id; }));
    if (fmt === 'geojson') {
      var j = JSON.parse(text);
      j.features = j.features.filter(function (f) { return keep.has(f.id); });
      if (j.metadata) j.metadata.count = j.features.length;
      return JSON.stringify(j);
    }
    if (fmt === 'text') {
      return text.split('\n').filter(function (l) { return !l || l[0] === '#' || keep.has(l.split('|')[0]); }).join('\n');
    }
    var doc = new DOMParser().parseFromString(text, 'application/xml');
    Array.prototype.slice.call(doc.getElementsByTagName('event')).forEach(function (e) {
      var id = (e.getAttribute('publicID') || '').replace(/^.*?\/event\//, '');
      if (!keep.has(id)) e.parentNode.removeChild(e);
    });
    return new XMLSerializer().serializeToString(doc);
  }
  var FMT = { 'x-geojson': 'geojson', 'x-text': 'text', 'x-quakeml': 'xml' };
  function exportText(fmt) {
    var id = Object.keys(FMT).filter(function (k) { return FMT[k] === fmt; })[0];
    return fetch($(id).href).then(function (r) { return r.status === 204 ? '' : r.text(); })
      .then(function (t) { return state.q && t ? filtered(fmt, t) : t; });
  }
  function exportClick(e) {
    var a = e.currentTarget;
    if (!state.q || a.getAttribute('data-ready') === '1') { a.removeAttribute('data-ready'); return; }
    e.preventDefault();
    exportText(FMT[a.id]).then(function (t) {
      var tmp = el('a'), url = URL.createObjectURL(new Blob([t], { type: 'application/octet-stream' }));
      tmp.href = url; tmp.download = a.getAttribute('download'); document.body.appendChild(tmp); tmp.click(); tmp.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
  }

  /* ---- the map, its outlines and legend ---- */
  function drawLegend() {
    var box = legend.getContainer(), scale = state.color === 'depth' ? DEPTH : AGE;
    var open = !box.classList.contains('closed'), b = el('button', 'legend-toggle', open ? 'legend ▾' : 'legend ▸');
    b.type = 'button'; b.setAttribute('aria-expanded', String(open));
    b.addEventListener('click', function (e) {
      e.stopPropagation(); box.classList.toggle('closed');
      document.body.classList.toggle('legend-closed', box.classList.contains('closed')); drawLegend();
    });
    box.replaceChildren(b);
    if (!open) return;
    box.appendChild(el('strong', null, state.color === 'depth' ? 'depth' : 'age'));
    scale.forEach(function (s) {
      var d = el('div'), i = el('i'); i.style.background = s[1];
      d.appendChild(i); d.appendChild(document.createTextNode(s[2])); box.appendChild(d);
    });
    var sz = el('div', 'size');
    [3, 5, 7].forEach(function (m) {
      var i = el('i'); i.style.width = i.style.height = (2 * radiusOf(m)) + 'px';
      sz.appendChild(i); sz.appendChild(document.createTextNode('M' + m + ' '));
    });
    box.appendChild(sz);
  }
  function initMap() {
    var c = state.c.split(',').map(Number), ok = c.length === 3 && c.every(isFinite);
    map = L.map('map', { worldCopyJump: true, minZoom: 1, maxZoom: 10, preferCanvas: false,
      zoomSnap: NARROW.matches ? 0.25 : 1 }).setView(ok ? [c[0], c[1]] : [20, 10], ok ? c[2] : 2);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution('Leaflet · events: EMSC');
    quakeBasemap.attach(map);   /* outlines, place labels or tiles: basemap.js */
    layer = L.layerGroup().addTo(map);
    legend = L.control({ position: 'bottomleft' });
    /* a phone starts with the legend closed (a button), a desktop open */
    legend.onAdd = function () {
      var b = el('div', 'legend' + (NARROW.matches ? ' closed' : ''));
      L.DomEvent.disableClickPropagation(b);
      document.body.classList.toggle('legend-closed', NARROW.matches);
      return b;
    };
    legend.addTo(map);
    drawLegend();
    map.on('moveend', function () { viewToState(); writeHash(); if (state.inview === '1') scheduleRender(true); else updateExport(); });
  }

  /* ---- a phone: the map or the list, one at a time; filters behind a button ---- */
  function setPane(which) {
    document.body.setAttribute('data-pane', which);
    ['map', 'list'].forEach(function (w) { $('show-' + w).setAttribute('aria-pressed', String(w === which)); });
    if (which === 'map') map.invalidateSize();
  }
  /* the first view, when the link gives none: the default if it holds every
     event, else the events' bounds (a phone's narrow world misses some) */
  var viewGiven = false;       /* the link said where to look */
  function fitHeld() {
    if (viewGiven || state.sel || !lastShown.length) return;
    /* markers and outlines are drawn once, in [-180, 180]: fit them there */
    var b = L.latLngBounds(lastShown.map(function (r) { return [r.ev.lat, r.ev.lon]; }));
    if (map.getBounds().contains(b)) return;
    if (NARROW.matches) map.setMinZoom(0);     /* a phone may need the whole world smaller */
    map.fitBounds(b, { padding: [12, 12], animate: false, maxZoom: 6 });
    if (!map.getBounds().contains(b)) map.setZoom(map.getZoom() - 1, { animate: false });
  }

  /* ---- the filter bar ---- */
  var CONTROLS = { 'f-minmag': 'minmag', 'f-window': 'win', 'f-q': 'q', 'f-color': 'color', 'f-tz': 'tz',
                   'f-sort': 'sort', 'f-inview': 'inview', 'f-alert': 'alert' };
  function initControls() {
    Object.keys(CONTROLS).forEach(function (id) {
      var c = $(id), k = CONTROLS[id];
      if (c.type === 'checkbox') c.checked = state[k] === '1';
      else {
        c.value = state[k];
        if (c.tagName === 'SELECT' && c.value !== state[k]) {      /* a value from the URL not in the list */
          var o = el('option', null, state[k]); o.value = state[k]; c.appendChild(o); c.value = state[k];
        }
      }
      c.addEventListener(c.type === 'search' ? 'input' : 'change', function () {
        state[k] = c.type === 'checkbox' ? (c.checked ? '1' : '0') : c.value;
        writeHash();
        quakeRange.changed(k);
        if (k === 'color') { drawLegend(); events.forEach(function (r) { r.dirty = true; }); }
        if (k === 'tz') { events.forEach(function (r) { r.dirty = true; }); }
        if (k === 'win') fetchSummary();
        scheduleRender(true);
      });
    });
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
    function rowEvent(e) {
      var seq = e.target.closest('button.seq'), li = e.target.closest('li[data-event-id]');
      if (seq && li) {         /* a sequence opened or closed */
        var id = li.getAttribute('data-event-id');
        if (e.type !== 'click') return;
        if (expanded.has(id)) expanded.delete(id); else expanded.add(id);
        scheduleRender(true); return;
      }
      var det = e.target.closest('li[data-detection-id]');
      if (det && (e.type === 'click' || e.key === 'Enter')) {
        var r = quakeMap.detections.get(det.getAttribute('data-detection-id'));
        if (NARROW.matches) setPane('map');
        if (r) { map.setView(r.marker.getLatLng(), Math.max(map.getZoom(), 8), { animate: false }); r.marker.openPopup(); }
        return;
      }
      if (li && (e.type === 'click' || e.key === 'Enter')) select(li.getAttribute('data-event-id'), true);
    }
    $('show-map').addEventListener('click', function () { setPane('map'); });
    $('show-list').addEventListener('click', function () { setPane('list'); });
    $('show-filters').addEventListener('click', function () {
      var open = document.body.classList.toggle('filters-open');
      $('show-filters').setAttribute('aria-expanded', String(open));
    });
    ['x-geojson', 'x-text', 'x-quakeml'].forEach(function (id) { $(id).addEventListener('click', exportClick); });
    $('list').addEventListener('click', rowEvent);
    $('list').addEventListener('keydown', rowEvent);
    $('alerts').addEventListener('click', clearAlerts);
    $('banner').addEventListener('click', clearAlerts);
    /* a permalink pasted into this tab changes only the hash: take it whole */
    window.addEventListener('hashchange', function () { if (location.hash !== written) location.reload(); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden && alertCount) document.title = '(' + alertCount + ') ' + baseTitle; });
  }

  function start() {
    readHash();
    viewGiven = !!state.c;
    initMap();
    initControls();
    writeHash();
    render();
    connect();
    $('x-csv').addEventListener('click', csvClick);
    /* for the console, the browser tests and shake.js (the phones' layer) */
    window.quakeMap = { map: map, state: state, events: events, csv: csvOfShown, layer: layer,
                        saveState: writeHash, fmtTime: fmtTime, ago: ago, exportText: exportText,
                        upsert: upsert, announceDetection: announceDetection,
                        render: function () { scheduleRender(true); },
                        controlChanged: function (k) { if (k === 'win') fetchSummary(); scheduleRender(true); },
                        groups: function () { return lastGroups; } };
    quakeRange.start();   /* the time control's ranges beyond the live window: range.js */
    setPane('map');
    /* ages change colour and events leave the window as time passes */
    setInterval(function () { events.forEach(function (r) { r.dirty = true; }); scheduleRender(false); }, 30000);
    setInterval(fetchSummary, 60000);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
