/* The dashboard ships as two strings: no build step, no CDN, nothing but this service to load. */

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Reporting dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; }
  section { margin: 1rem 0; }
  h2 { font-size: 1rem; margin: .5rem 0; }
  svg text { font-size: 10px; }
  table { border-collapse: collapse; font-size: .85rem; }
  td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
  td:first-child, th:first-child { text-align: left; }
  #message { color: #a00; }
</style>
</head>
<body>
<h1>Reporting</h1>
<form id="filters">
  <label>Analyst token <input id="token" type="password" autocomplete="off" required></label>
  <label>Merchant <input id="merchant" placeholder="mer_…"></label>
  <label>Currency <input id="currency" placeholder="usd" size="4"></label>
  <label>Method <select id="method"><option value="">all</option><option>card</option>
    <option>bank_transfer</option><option>wallet</option></select></label>
  <label>Period <select id="period"><option>day</option><option>week</option><option>month</option></select></label>
  <label>From <input id="from" type="date"></label>
  <label>To <input id="to" type="date"></label>
  <label>Time zone <input id="time_zone" value="UTC"></label>
  <button id="show" type="submit">Show</button>
</form>
<p id="message" role="alert"></p>
<p>Amounts in minor units of their currency.</p>
<section><h2>Gross volume over time</h2><svg id="volume-chart" width="720" height="220"></svg></section>
<section><h2>Split by payment method</h2><svg id="method-chart" width="720" height="160"></svg></section>
<section><h2>Split by currency</h2><svg id="currency-chart" width="720" height="160"></svg></section>
<section><h2>Fee revenue over time</h2><svg id="fees-chart" width="720" height="220"></svg></section>
<section><h2>Balances</h2><table id="balances"><thead><tr><th>account</th><th>currency</th>
  <th>balance</th></tr></thead><tbody></tbody></table></section>
<script src="/dashboard/dashboard.js"></script>
</body>
</html>
`;

export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  var byId = function (id) { return document.getElementById(id); };
  var tokenInput = byId('token');
  tokenInput.value = sessionStorage.getItem('analystToken') || '';

  function query(extra) {
    var params = new URLSearchParams();
    ['merchant', 'currency', 'period', 'from', 'to', 'time_zone'].forEach(function (name) {
      var value = byId(name).value.trim();
      if (value !== '') params.set(name, name === 'currency' ? value.toLowerCase() : value);
    });
    Object.keys(extra).forEach(function (name) { params.set(name, extra[name]); });
    return params;
  }

  async function get(path, params) {
    var response = await fetch(path + '?' + params.toString(), {
      headers: { authorization: 'Bearer ' + tokenInput.value.trim(), accept: 'application/json' },
    });
    var body = await response.json();
    if (!response.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + response.status));
    return body.data;
  }

  /** Sums bigint strings per label, in first-seen order. */
  function totals(rows, label, amount) {
    var order = [];
    var sums = {};
    rows.forEach(function (row) {
      var key = label(row);
      if (!(key in sums)) { sums[key] = 0n; order.push(key); }
      sums[key] += BigInt(row[amount]);
    });
    return order.map(function (key) { return { label: key, value: sums[key] }; });
  }

  function element(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A bar chart: each bar carries its label and exact value (data-label, data-value) and shows them. */
  function bars(svg, points) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var width = Number(svg.getAttribute('width'));
    var height = Number(svg.getAttribute('height'));
    if (points.length === 0) {
      svg.appendChild(element('text', { x: 10, y: 20, class: 'empty' }, 'no data'));
      return;
    }
    var max = points.reduce(function (m, p) { return p.value > m ? p.value : m; }, 1n);
    var slot = Math.max(8, Math.floor((width - 20) / points.length));
    var plot = height - 40;
    points.forEach(function (point, index) {
      var barHeight = Number((point.value * BigInt(plot)) / max);
      var x = 10 + index * slot;
      var group = element('g', { class: 'bar', 'data-label': point.label, 'data-value': point.value.toString() });
      group.appendChild(element('rect', { x: x, y: 20 + plot - barHeight, width: slot - 4, height: barHeight,
        fill: '#4a7ebb' }));
      group.appendChild(element('text', { x: x, y: 14 + plot - barHeight, class: 'value' }, point.value.toString()));
      group.appendChild(element('text', { x: x, y: height - 6, class: 'label' }, point.label));
      group.appendChild(element('title', {}, point.label + ': ' + point.value.toString()));
      svg.appendChild(group);
    });
  }

  async function show() {
    byId('message').textContent = '';
    sessionStorage.setItem('analystToken', tokenInput.value.trim());
    var method = byId('method').value;
    var limit = { limit: '1000' };
    var overTime = query(Object.assign({ group_by: '' }, limit));
    var byMethod = query(Object.assign({ group_by: 'method' }, limit));
    if (method !== '') { overTime.set('method', method); byMethod.set('method', method); }
    var fees = query(limit);
    var balances = new URLSearchParams(limit);
    ['merchant', 'currency'].forEach(function (name) {
      var value = byId(name).value.trim().toLowerCase();
      if (value !== '') balances.set(name, value);
    });
    try {
      var results = await Promise.all([get('/v1/reports/volume', overTime), get('/v1/reports/volume', byMethod),
        get('/v1/reports/fees', fees), get('/v1/reports/balances', balances)]);
      var volume = results[0];
      bars(byId('volume-chart'), totals(volume, function (r) { return r.period_start + ' ' + r.currency; }, 'gross_amount'));
      bars(byId('method-chart'), totals(results[1], function (r) { return r.payment_method + ' ' + r.currency; }, 'gross_amount'));
      bars(byId('currency-chart'), totals(volume, function (r) { return r.currency; }, 'gross_amount'));
      bars(byId('fees-chart'), totals(results[2], function (r) { return r.period_start + ' ' + r.currency; }, 'fee_revenue'));
      var body = byId('balances').tBodies[0];
      while (body.firstChild) body.removeChild(body.firstChild);
      results[3].forEach(function (row) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-account', row.account_code);
        [row.account_code, row.currency, row.balance_minor].forEach(function (text) {
          var td = document.createElement('td');
          td.textContent = text;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      document.body.setAttribute('data-loaded', String(Date.now()));
    } catch (error) {
      byId('message').textContent = error.message;
    }
  }

  byId('filters').addEventListener('submit', function (event) { event.preventDefault(); void show(); });
  if (tokenInput.value !== '') void show();
})();
`;
