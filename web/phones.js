/* quake-shake's page: the push URL (and, for a visitor on the receiver's
 * own machine, the token) with a QR code of the URL, and each phone's last
 * push, samples/s, location and shaking, polled from /devices every second.
 * Each row carries data-device (the phone's id). */
(function () {
  'use strict';

  var EVERY = 1000, STALE = 10e3, shownUrl = null;
  function $(id) { return document.getElementById(id); }
  function ago(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    return s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function showSetup(s) {
    var url = s.push_url || (location.origin + '/push');
    if (url !== shownUrl) {
      shownUrl = url;
      $('push-url').textContent = url;
      if (window.qrcode) {
        var qr = window.qrcode(0, 'M');
        qr.addData(url);
        qr.make();
        $('qr').innerHTML = qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true, title: url });
        $('qr').setAttribute('data-url', url);
      }
    }
    if (!s.token_required) $('token').textContent = 'none (pushes from this machine only)';
    else if (s.token) $('token').textContent = 'Bearer ' + s.token;
    else $('token').textContent = 'Bearer <the token in ' + (s.token_file || 'the receiver\'s token file') +
      ' on the receiver\'s machine>';
  }
  function showDevices(now, list) {
    var body = $('devices').tBodies[0];
    list.sort(function (a, b) { return b.last_push_ms - a.last_push_ms; });
    body.textContent = '';
    list.forEach(function (d) {
      var tr = document.createElement('tr'), age = now - d.last_push_ms;
      tr.setAttribute('data-device', d.id);
      tr.setAttribute('data-triggered', d.triggered ? '1' : '0');
      tr.setAttribute('data-location', d.location ? '1' : '0');
      tr.setAttribute('data-onset', d.triggered || d.last_onset_ms ? '1' : '0');
      if (age > STALE) tr.className = 'stale';
      cell(tr, d.id);
      cell(tr, ago(age));
      cell(tr, d.rate_hz ? d.rate_hz.toFixed(0) : '–');
      cell(tr, d.location ? 'known' : 'unknown: turn on Location');
      cell(tr, d.triggered ? 'yes' : d.last_onset_ms ? 'no (last ' + ago(now - d.last_onset_ms) + ')' : 'no',
           d.triggered ? 'yes' : '');
      body.appendChild(tr);
    });
    $('none').hidden = list.length > 0;
  }
  function poll() {
    fetch('/devices', { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (j) {
      showSetup(j.setup);
      showDevices(j.now_ms, j.devices);
      $('state').textContent = 'live';
      $('state').setAttribute('data-state', 'live');
    }).catch(function () {
      $('state').textContent = 'receiver not answering';
      $('state').setAttribute('data-state', 'down');
    }).then(function () { setTimeout(poll, EVERY); });
  }
  poll();
}());
