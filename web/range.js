/* quake map's time ranges beyond the live window: "1 year" and a custom
 * start/end (UTC days) in the "last" control. The live stream holds the
 * server's window (30 days by default); a longer or older range is read from
 * the FDSN event service (/fdsnws/event/1/count, then /query as GeoJSON),
 * which quake-map --archive answers from its DynamoDB table for the part
 * before the window. Its events join the page's set (app.js filters them by
 * this range), a progress bar shows the answer arriving, and the range is in
 * the URL hash (win=1y, or win=custom&from=YYYY-MM-DD&to=YYYY-MM-DD). */
(function () {
  'use strict';

  var LIVE = { '1h': 3600e3, '1d': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };
  var YEAR = 365 * 86400e3, DAY = 86400e3;
  var CAP = 20000;               /* events read at most per range (the largest first beyond) */
  var BYTES_EACH = 560;          /* about one GeoJSON feature: the progress bar's scale */
  var loaded = null, job = 0, box, bar, text, from, to;

  function $(id) { return document.getElementById(id); }
  function day(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s || '') ? Date.parse(s + 'T00:00:00Z') : NaN; }
  function iso(t) { return new Date(t).toISOString().slice(0, 19); }

  /* [first ms, last ms) of the range state asks for */
  function bounds(state, now) {
    if (LIVE[state.win]) return [now - LIVE[state.win], Infinity];
    if (state.win === '1y') return [now - YEAR, Infinity];
    var a = day(state.from), b = day(state.to);
    if (state.win === 'custom' && a < b + DAY) return [a, b + DAY];
    return [now - LIVE['30d'], Infinity];
  }
  function valid(state) {
    return !!LIVE[state.win] || state.win === '1y' ||
      (state.win === 'custom' && day(state.from) < day(state.to) + DAY);
  }
  function beyond(state) { return state.win === '1y' || state.win === 'custom'; }
  /* the chart's bin for the range */
  function bin(state, now) {
    var b = bounds(state, now), span = Math.min(b[1], now) - b[0];
    return span <= DAY ? '5m' : span <= 8 * DAY ? '1h' : '1d';
  }
  /* the FDSN parameters of the range */
  function fdsn(state, p, now) {
    var b = bounds(state, now);
    p.set('starttime', iso(b[0]));
    if (isFinite(b[1])) p.set('endtime', iso(b[1]));
    else p.delete('endtime');
  }

  function say(state, msg, frac) {
    box.hidden = !msg;
    box.setAttribute('data-state', state);
    text.textContent = msg;
    bar.hidden = frac == null;
    if (frac != null) bar.value = Math.max(0, Math.min(1, frac));
    document.body.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  /* read the range's events from the FDSN service into the page's set */
  function load() {
    var qm = window.quakeMap, st = qm.state, now = Date.now(), me = ++job;
    if (st.win === 'custom' && !valid(st)) { say('error', 'pick a start day on or before the end day'); return; }
    if (!beyond(st)) { say('idle', ''); return; }
    var p = new URLSearchParams();
    fdsn(st, p, now);
    if (Number(st.minmag) > 0) p.set('minmagnitude', st.minmag);
    var key = p.toString();
    if (loaded && loaded.key === key) { say('done', loaded.msg); return; }
    say('loading', 'loading ' + label(st) + '…', 0);
    fetch('/fdsnws/event/1/count?' + key).then(function (r) {
      return r.status === 204 ? '0' : r.ok ? r.text() : Promise.reject(r);
    }).then(function (c) {
      var n = parseInt(c, 10) || 0, q = new URLSearchParams(key);
      if (me !== job) return null;
      if (!n) return { n: 0, got: [] };
      q.set('format', 'geojson');
      q.set('orderby', n > CAP ? 'magnitude' : 'time');
      q.set('limit', String(CAP));
      return fetch('/fdsnws/event/1/query?' + q.toString()).then(function (r) {
        if (r.status === 204) return { n: 0, got: [] };
        if (!r.ok) return Promise.reject(r);
        return readAll(r, Math.min(n, CAP) * BYTES_EACH, me).then(function (body) {
          return { n: n, got: JSON.parse(body).features || [] };
        });
      });
    }).then(function (a) {
      if (!a || me !== job) return;
      a.got.forEach(function (f) {
        var ev = event(f);
        if (ev) qm.upsert(ev, false);
      });
      var msg = a.n === 0 ? 'no events ' + within(st) :
        a.n > CAP ? 'the ' + CAP.toLocaleString('en') + ' largest of ' + a.n.toLocaleString('en') +
          ' events ' + within(st) + ': raise min M to see all' :
        a.got.length.toLocaleString('en') + ' events ' + within(st);
      loaded = { key: key, msg: msg };
      say('done', msg);
      qm.render();
    }).catch(function (e) {
      if (me !== job) return;
      var why = e && e.status ? 'the event service answered ' + e.status : 'the event service did not answer';
      if (e && e.text) e.text().then(function (t) { say('error', why + ': ' + t.split('\n').slice(0, 2).join(' ')); });
      else say('error', why);
    });
  }
  /* the body, with the progress bar following the bytes */
  function readAll(r, expect, me) {
    if (!r.body || !r.body.getReader) return r.text();
    var rd = r.body.getReader(), parts = [], got = 0, dec = new TextDecoder();
    function next() {
      return rd.read().then(function (x) {
        if (x.done) { parts.push(dec.decode()); return parts.join(''); }
        got += x.value.length;
        parts.push(dec.decode(x.value, { stream: true }));
        if (me === job) say('loading', 'loading ' + label(window.quakeMap.state) + '… ' +
          Math.round(got / 1024) + ' KiB', got / Math.max(expect, got + 1));
        return next();
      });
    }
    return next();
  }
  /* an FDSN GeoJSON feature as the page's event record */
  function event(f) {
    var p = f && f.properties;
    if (!p || typeof f.id !== 'string' || !isFinite(p.lat) || !isFinite(p.lon)) return null;
    return { id: f.id, action: 'archive', time: p.time, lastupdate: p.lastupdate, lat: p.lat, lon: p.lon,
             depth: p.depth, mag: p.mag, magtype: p.magtype, region: p.flynn_region, evtype: p.evtype,
             auth: p.auth, source_catalog: p.source_catalog, source_id: p.source_id };
  }
  function label(st) {
    return st.win === '1y' ? 'the last year' : st.from + ' to ' + st.to;
  }
  function within(st) {
    return st.win === '1y' ? 'in the last year' : 'from ' + st.from + ' to ' + st.to + ' (UTC)';
  }

  /* app.js calls this after a control changed (k: the state key) */
  function changed(k) {
    var st = window.quakeMap.state;
    from.parentNode.hidden = st.win !== 'custom';
    if (k === 'win' && st.win === 'custom' && !valid(st)) {
      /* a first custom range: the last 90 days */
      var t = Date.now();
      st.to = new Date(t).toISOString().slice(0, 10);
      st.from = new Date(t - 90 * DAY).toISOString().slice(0, 10);
      from.value = st.from; to.value = st.to;
      window.quakeMap.saveState();
    }
    if (k === 'win' || k === 'minmag' || k === 'from' || k === 'to') load();
  }

  function start() {
    var qm = window.quakeMap;
    if (!qm) return;
    var sel = $('f-window');
    box = document.createElement('span');
    box.id = 'range-progress';
    box.setAttribute('role', 'status');
    box.hidden = true;
    bar = document.createElement('progress');
    bar.max = 1;
    text = document.createElement('span');
    box.appendChild(bar); box.appendChild(text);
    var custom = document.createElement('span');
    custom.id = 'range-custom';
    from = document.createElement('input'); from.type = 'date'; from.id = 'f-from'; from.setAttribute('aria-label', 'from (UTC)');
    to = document.createElement('input'); to.type = 'date'; to.id = 'f-to'; to.setAttribute('aria-label', 'to (UTC, inclusive)');
    custom.appendChild(from); custom.appendChild(document.createTextNode(' – ')); custom.appendChild(to);
    custom.appendChild(document.createTextNode(' UTC'));
    sel.parentNode.insertAdjacentElement('afterend', custom);
    custom.insertAdjacentElement('afterend', box);
    from.value = qm.state.from; to.value = qm.state.to;
    custom.hidden = qm.state.win !== 'custom';
    [[from, 'from'], [to, 'to']].forEach(function (x) {
      x[0].addEventListener('change', function () {
        qm.state[x[1]] = x[0].value;
        qm.saveState();
        changed(x[1]);
        qm.controlChanged('win');
      });
    });
    load();
  }

  window.quakeRange = { bounds: bounds, valid: valid, bin: bin, fdsn: fdsn, changed: changed, start: start };
})();
