/* quake map: the phones' layer. quake-shake's detections (several phones near
 * each other shaking at once) from /detections/stream, live, as a layer of
 * their own: a circle with the device count (pulsing while under an hour
 * old), a popup, a legend entry (while there is one), a switch in the layer
 * control (its state in the permalink, shake=0); app.js lists them, counts
 * them in the header and announces a new one in the banner. One marker per detection id, carrying its
 * data-detection-id; a newer revision (more phones) changes it in place. */
(function () {
  'use strict';

  var RECENT = 3600e3;            /* pulses while younger than this */
  var qm = window.quakeMap, dets = new Map(), layer, es, lastSeq = null, retries = 0;
  var live = false, quiet = null, shakeLegend = null;   /* live: the held set is in */
  if (!qm || !window.L) return;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function recent(d) { return Date.now() - Date.parse(d.time) < RECENT; }
  function iconFor(d) {
    var box = el('div', 'shake-dot' + (recent(d) ? ' recent' : ''), String(d.devices));
    box.setAttribute('data-detection-id', d.id);
    box.title = d.devices + ' phones shaking';
    return L.divIcon({ className: 'shake-icon', html: box, iconSize: [26, 26], iconAnchor: [13, 13] });
  }
  function popupFor(d) {
    var box = el('div', 'popup shake-popup'), dl = el('dl');
    box.setAttribute('data-detection-id', d.id);
    box.appendChild(el('h3', null, 'Phones shaking: ' + d.devices));
    [['time', qm.fmtTime(d.time) + ' (' + qm.ago(d.time) + ')'], ['devices', String(d.devices)],
     ['peak', Number(d.peak).toPrecision(3) + ' m/s²'], ['centroid', d.lat.toFixed(4) + ', ' + d.lon.toFixed(4)],
     ['place', d.place || ''],
     ['radius', Number(d.radius_km).toFixed(1) + ' km'], ['id', d.id]].forEach(function (r) {
      if (r[1] === '') return;
      dl.appendChild(el('dt', null, r[0])); dl.appendChild(el('dd', null, r[1]));
    });
    box.appendChild(dl);
    return box;
  }
  /* quake-map's rule: a group only grows (more devices, then a higher peak,
     then a wider radius); a resume may resend what is shown already */
  function newer(a, b) {
    if (a.devices !== b.devices) return a.devices > b.devices;
    if (a.peak !== b.peak) return a.peak > b.peak;
    return a.radius_km > b.radius_km;
  }
  function upsert(d) {
    var rec = dets.get(d.id);
    if (rec) {
      if (!newer(d, rec.d)) return;
      rec.d = d;
      rec.marker.setLatLng([d.lat, d.lon]).setIcon(iconFor(d));
      if (rec.marker.isPopupOpen()) rec.marker.setPopupContent(popupFor(d));
      return;
    }
    rec = { d: d, marker: L.marker([d.lat, d.lon], { icon: iconFor(d), zIndexOffset: 1000,
                                                    keyboard: false, bubblingMouseEvents: false }) };
    rec.marker.bindPopup(function () { return popupFor(rec.d); }, { maxWidth: 300 });
    dets.set(d.id, rec);
    layer.addLayer(rec.marker);
    if (live) qm.announceDetection(d);
  }
  /* the legend entry only while there is a detection to explain */
  function showLegend() {
    var want = qm.state.shake !== '0' && dets.size > 0;
    if (want && !shakeLegend._map) shakeLegend.addTo(qm.map);
    else if (!want && shakeLegend._map) shakeLegend.remove();
  }
  /* the stream's held set comes first, in one burst: what comes after 400 ms
     of quiet is new, and announced */
  function settle() { if (!live) { clearTimeout(quiet); quiet = setTimeout(function () { live = true; }, 400); } }

  /* the stream: the held set, then live; EventSource's own reconnects send
     Last-Event-ID, a fresh one (after it gave up) ?since= */
  function connect() {
    es = new EventSource('/detections/stream' + (lastSeq != null ? '?since=' + encodeURIComponent(lastSeq) : ''));
    es.onopen = function () { retries = 0; settle(); };
    es.onmessage = function (m) {
      var d;
      try { d = JSON.parse(m.data); } catch (e) { return; }
      if (!d || d.kind !== 'detection' || typeof d.id !== 'string') return;
      if (m.lastEventId) lastSeq = m.lastEventId;
      upsert(d);
      settle();
      document.body.setAttribute('data-detections', dets.size);
      showLegend();
      qm.render();
    };
    es.onerror = function () {
      if (es.readyState !== EventSource.CLOSED) return;
      retries++;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, Math.min(retries, 6))));
    };
  }

  function legend() {
    var c = L.control({ position: 'bottomleft' });
    c.onAdd = function () {
      var box = el('div', 'shake-legend'), i = el('span', 'shake-dot recent', 'n');
      box.appendChild(i);
      box.appendChild(document.createTextNode(' phones shaking (n devices)'));
      return box;
    };
    return c;
  }

  function start() {
    shakeLegend = legend();
    layer = L.layerGroup();
    L.control.layers(null, { 'Earthquakes': qm.layer, 'Phones shaking': layer },
                     { collapsed: window.innerWidth < 700, position: 'topright' }).addTo(qm.map);
    if (qm.state.shake !== '0') layer.addTo(qm.map);
    qm.map.on('overlayadd overlayremove', function (e) {
      if (e.layer !== layer) return;
      var on = e.type === 'overlayadd';
      qm.state.shake = on ? '1' : '0';
      qm.saveState();
      showLegend();
      qm.render();
    });
    /* what pulses stops once it is an hour old */
    setInterval(function () {
      dets.forEach(function (r) { if (!recent(r.d)) { var e = r.marker.getElement(); if (e && e.querySelector('.recent')) r.marker.setIcon(iconFor(r.d)); } });
    }, 60000);
    qm.detections = dets;
    connect();
  }
  start();
})();
