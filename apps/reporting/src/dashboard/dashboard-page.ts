/*
 * The analysts' page ships as strings (no build step): HTML, CSS and a script that calls
 * GET /v1/reports/overview with the analyst token and draws it with Apache ECharts, which this
 * service serves from its installed package (no CDN). The script avoids template literals so it
 * can live inside this file's.
 */

/** Where the page loads ECharts from; the version in the path lets browsers keep it for good. */
export function echartsPath(version: string): string {
  return `/dashboard/vendor/echarts-${version}.min.js`;
}

export function dashboardHtml(echartsVersion: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reporting</title>
<link rel="stylesheet" href="/dashboard/dashboard.css">
</head>
<body>
<header>
  <h1>Reporting</h1>
  <p id="status" class="status" aria-live="polite">
    <span id="freshness" class="chip">no data yet</span>
    <span id="reconciliation" class="chip">reconciliation not run yet</span>
  </p>
</header>
<form id="filters" autocomplete="off">
  <label>Analyst token <input id="token" type="password" required></label>
  <label>Currency <select id="currency"><option value="">All currencies, converted</option></select></label>
  <label id="reporting-currency-label">Converted to <select id="reporting_currency"></select></label>
  <label>Period <select id="period"><option value="hour">hour</option><option value="day" selected>day</option>
    <option value="week">week</option><option value="month">month</option></select></label>
  <label>From <input id="from" type="date"></label>
  <label>To <input id="to" type="date"></label>
  <label>Time zone <input id="time_zone" list="time-zones" placeholder="UTC" size="14"></label>
  <datalist id="time-zones"><option value="UTC"><option value="Europe/London"><option value="Europe/Paris">
    <option value="America/New_York"><option value="America/Los_Angeles"><option value="Asia/Tokyo">
    <option value="Asia/Kolkata"><option value="Asia/Singapore"><option value="Australia/Sydney"></datalist>
  <label>Merchant <input id="merchant" placeholder="all merchants" size="16"></label>
  <label>Method <select id="method"><option value="">all</option><option value="card">card</option>
    <option value="bank_transfer">bank transfer</option><option value="wallet">wallet</option></select></label>
  <button id="show" type="submit">Show</button>
  <button id="download" type="button" disabled>Download CSV</button>
</form>
<p id="message" role="alert"></p>
<p id="conversion" class="note"></p>
<section class="kpis" aria-label="Totals">
  <div class="kpi" id="kpi-gross"><h2>Gross volume</h2><p class="value"></p><p class="detail"></p></div>
  <div class="kpi" id="kpi-net"><h2>Net volume</h2><p class="value"></p><p class="detail"></p></div>
  <div class="kpi" id="kpi-fees"><h2>Fees</h2><p class="value"></p><p class="detail"></p></div>
  <div class="kpi" id="kpi-refunds"><h2>Refunds</h2><p class="value"></p><p class="detail"></p></div>
  <div class="kpi" id="kpi-disputes"><h2>Disputes</h2><p class="value"></p><p class="detail"></p></div>
  <div class="kpi" id="kpi-count"><h2>Payments</h2><p class="value"></p><p class="detail"></p></div>
</section>
<section class="charts">
  <figure><figcaption>Volume over time</figcaption><div class="chart" id="volume-chart"></div></figure>
  <figure><figcaption>Refunds and disputes over time</figcaption><div class="chart" id="losses-chart"></div></figure>
  <figure><figcaption>Payment method mix (gross volume)</figcaption><div class="chart short" id="method-chart"></div></figure>
  <figure><figcaption>Currency mix (payments, all currencies)</figcaption><div class="chart short" id="currency-chart"></div></figure>
</section>
<section class="tables">
  <div><h2>Top merchants</h2><div class="scroll"><table id="merchants"><thead><tr><th>merchant</th><th>gross</th>
    <th>net</th><th>payments</th><th>fee rate</th><th>refund rate</th></tr></thead><tbody></tbody></table></div></div>
  <div><h2>Over time</h2><div class="scroll"><table id="series"><thead><tr><th>period</th><th>gross</th><th>fees</th>
    <th>refunded</th><th>net</th><th>disputed</th><th>payments</th></tr></thead><tbody></tbody></table></div></div>
</section>
<script src="${echartsPath(echartsVersion)}"></script>
<script src="/dashboard/dashboard.js"></script>
</body>
</html>
`;
}

export const DASHBOARD_CSS = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1rem 1.25rem; color: #1f2430;
  background: #f6f7fb; }
header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: .8rem; font-weight: 600; color: #5b6272; margin: 0 0 .25rem; text-transform: uppercase; letter-spacing: .03em; }
.status { margin: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.chip { font-size: .78rem; padding: .15rem .55rem; border-radius: 1rem; background: #e6e9f2; }
.chip.ok { background: #dcf3e4; color: #125c2c; }
.chip.warn { background: #fde8d7; color: #8a3b00; }
form { display: flex; flex-wrap: wrap; gap: .5rem .75rem; align-items: end; margin: .9rem 0 .5rem; }
label { display: flex; flex-direction: column; font-size: .75rem; color: #5b6272; gap: .15rem; }
input, select, button { font: inherit; font-size: .88rem; padding: .3rem .4rem; border: 1px solid #c9cedb; border-radius: .3rem;
  background: #fff; color: #1f2430; }
button { cursor: pointer; background: #3559c7; color: #fff; border-color: #3559c7; }
button[disabled] { opacity: .5; cursor: default; }
#download { background: #fff; color: #3559c7; }
#message { color: #a40000; margin: .25rem 0; min-height: 1em; }
.note { font-size: .8rem; color: #5b6272; margin: 0 0 .75rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(10.5rem, 1fr)); gap: .6rem; }
.kpi { background: #fff; border-radius: .5rem; padding: .6rem .75rem; box-shadow: 0 1px 2px rgba(0,0,0,.06); min-width: 0; }
.kpi .value { font-size: 1.2rem; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.kpi .detail { font-size: .78rem; color: #5b6272; margin: .15rem 0 0; }
.detail .up { color: #125c2c; } .detail .down { color: #a40000; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: .75rem; margin-top: .75rem; }
figure { margin: 0; background: #fff; border-radius: .5rem; padding: .6rem .6rem .2rem; box-shadow: 0 1px 2px rgba(0,0,0,.06); min-width: 0; }
figcaption { font-size: .85rem; font-weight: 600; }
.chart { width: 100%; height: 280px; }
.chart.short { height: 220px; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: .75rem; margin-top: .75rem; }
.tables > div { background: #fff; border-radius: .5rem; padding: .6rem .75rem; box-shadow: 0 1px 2px rgba(0,0,0,.06); min-width: 0; }
.scroll { overflow-x: auto; max-height: 24rem; overflow-y: auto; }
table { border-collapse: collapse; font-size: .82rem; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .5rem; text-align: right; border-bottom: 1px solid #edf0f5; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; color: #5b6272; position: sticky; top: 0; background: #fff; }
@media (max-width: 600px) {
  body { padding: .75rem; }
  form label { flex: 1 1 45%; }
  form input, form select { width: 100%; }
  .chart { height: 240px; }
}
`;

export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  var FILTERS = ['currency', 'reporting_currency', 'period', 'from', 'to', 'time_zone', 'merchant', 'method'];
  var byId = function (id) { return document.getElementById(id); };
  var tokenInput = byId('token');
  var charts = {};
  var shown = null;

  /** Minor units (a string of an integer) as an exact decimal string of major units. */
  function majorText(minor, exponent) {
    var value = BigInt(minor);
    var negative = value < 0n;
    var digits = (negative ? -value : value).toString();
    while (digits.length <= exponent) digits = '0' + digits;
    var whole = digits.slice(0, digits.length - exponent);
    var fraction = exponent > 0 ? '.' + digits.slice(digits.length - exponent) : '';
    return (negative ? '-' : '') + whole + fraction;
  }

  /** An amount with the currency's symbol and exactly its ISO 4217 decimals; Intl formats the decimal string exactly. */
  function money(minor, currency, exponent) {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(),
      minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(majorText(minor, exponent));
  }

  /** Short money for axis labels (floats are fine for drawing, never for the figures shown as text). */
  function compactMoney(value, currency) {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(),
      notation: 'compact', maximumFractionDigits: 1 }).format(value);
  }

  function percent(rate) {
    if (rate === null || rate === undefined) return '–';
    return new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 })
      .format(rate);
  }

  function count(value) { return new Intl.NumberFormat('en-US').format(value); }

  function counted(value, one, many) { return count(value) + ' ' + (Number(value) === 1 ? one : many); }

  function asNumber(minor, exponent) { return Number(majorText(minor, exponent)); }

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** A bucket's label: short enough that the axis can show many without overlapping. */
  function bucketLabel(start, period) {
    var month = MONTHS[Number(start.slice(5, 7)) - 1];
    var day = String(Number(start.slice(8, 10)));
    if (period === 'month') return month + ' ' + start.slice(0, 4);
    if (period === 'hour') return month + ' ' + day + ' ' + start.slice(11, 16);
    return month + ' ' + day;
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    FILTERS.forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      var input = byId(name);
      if (input.tagName === 'SELECT' && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) {
        var option = document.createElement('option');
        option.value = value;
        option.textContent = value.toUpperCase();
        input.appendChild(option);
      }
      input.value = value;
    });
  }

  function filterParams() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = byId(name).value.trim();
      if (name === 'reporting_currency' && byId('currency').value !== '') return;
      if (value !== '') params.set(name, name === 'currency' || name === 'reporting_currency' ? value.toLowerCase() : value);
    });
    return params;
  }

  function request(params, accept) {
    return fetch('/v1/reports/overview?' + params.toString(), {
      headers: { authorization: 'Bearer ' + tokenInput.value.trim(), accept: accept },
    });
  }

  function setOptions(select, values, keep, allLabel) {
    var current = keep || select.value;
    while (select.options.length > (allLabel ? 1 : 0)) select.remove(allLabel ? 1 : 0);
    values.forEach(function (value) {
      var option = document.createElement('option');
      option.value = value;
      option.textContent = value.toUpperCase();
      select.appendChild(option);
    });
    if (current !== '' && values.indexOf(current) < 0) {
      var extra = document.createElement('option');
      extra.value = current;
      extra.textContent = current.toUpperCase();
      select.appendChild(extra);
    }
    select.value = current;
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(byId(id), null, { renderer: 'svg' });
    return charts[id];
  }

  var COLORS = ['#3559c7', '#2a9d8f', '#e76f51', '#8e44ad', '#f4a261', '#6c757d'];

  function drawTimeCharts(data) {
    var currency = data.currency;
    var exponent = data.exponent;
    var period = data.filters.period;
    var labels = data.series.map(function (b) { return bucketLabel(b.period_start, period); });
    var axis = { type: 'category', data: labels,
      // The end labels stay inside the plot, clear of the value axis's labels.
      axisLabel: { hideOverlap: true, fontSize: 11, alignMinLabel: 'left', alignMaxLabel: 'right' },
      axisTick: { alignWithLabel: true } };
    var valueAxis = { type: 'value', axisLabel: { hideOverlap: true, fontSize: 11,
      formatter: function (v) { return compactMoney(v, currency); } } };
    var tooltip = { trigger: 'axis', formatter: function (items) {
      var bucket = data.series[items[0].dataIndex];
      var lines = [bucket.period_start];
      items.forEach(function (item) {
        var field = item.seriesId;
        lines.push(item.marker + item.seriesName + ': ' + money(bucket[field], currency, exponent));
      });
      return lines.join('<br>');
    } };
    var grid = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
    var legend = { top: 0, textStyle: { fontSize: 11 } };
    function series(type, id, name, color) {
      return { type: type, id: id, name: name, color: color, smooth: false, showSymbol: data.series.length <= 48,
        data: data.series.map(function (b) { return asNumber(b[id], exponent); }) };
    }
    chart('volume-chart').setOption({ animation: false, grid: grid, legend: legend, tooltip: tooltip, xAxis: axis,
      yAxis: valueAxis, series: [series('bar', 'gross_amount', 'Gross', COLORS[0]),
        series('line', 'net_amount', 'Net', COLORS[1]), series('line', 'fee_amount', 'Fees', COLORS[4])] }, true);
    chart('losses-chart').setOption({ animation: false, grid: grid, legend: legend, tooltip: tooltip, xAxis: axis,
      yAxis: valueAxis, series: [series('bar', 'refunded_amount', 'Refunded', COLORS[2]),
        series('bar', 'disputed_amount', 'Disputed', COLORS[3])] }, true);
  }

  function drawMixCharts(data) {
    var methods = data.payment_methods;
    chart('method-chart').setOption({ animation: false, grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (item) {
        var m = methods[item.dataIndex];
        return m.payment_method + ': ' + money(m.gross_amount, data.currency, data.exponent) + ' (' + percent(m.share_of_gross) + ')';
      } },
      xAxis: { type: 'value', axisLabel: { hideOverlap: true, fontSize: 11,
        formatter: function (v) { return compactMoney(v, data.currency); } } },
      yAxis: { type: 'category', inverse: true, data: methods.map(function (m) { return m.payment_method.replace('_', ' '); }),
        axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', color: COLORS[0], barMaxWidth: 28, label: { show: true, position: 'right', fontSize: 11,
        formatter: function (item) { return percent(methods[item.dataIndex].share_of_gross); } },
        data: methods.map(function (m) { return asNumber(m.gross_amount, data.exponent); }) }] }, true);
    var currencies = data.currencies;
    chart('currency-chart').setOption({ animation: false, grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (item) {
        var c = currencies[item.dataIndex];
        return c.currency.toUpperCase() + ': ' + count(c.count) + ' payments, ' + money(c.gross_amount, c.currency, c.exponent);
      } },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true, fontSize: 11 } },
      yAxis: { type: 'category', inverse: true, data: currencies.map(function (c) { return c.currency.toUpperCase(); }),
        axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', color: COLORS[1], barMaxWidth: 28, label: { show: true, position: 'right', fontSize: 11,
        formatter: function (item) { return percent(currencies[item.dataIndex].share_of_count); } },
        data: currencies.map(function (c) { return c.count; }) }] }, true);
  }

  function change(now, before) {
    var a = BigInt(now);
    var b = BigInt(before);
    if (b === 0n) return '';
    var basisPoints = ((a - b) * 10000n) / b;
    var text = (basisPoints >= 0n ? '+' : '') + percent(Number(basisPoints) / 10000);
    return ' <span class="' + (basisPoints >= 0n ? 'up' : 'down') + '">' + text + '</span> vs previous';
  }

  function kpi(id, valueText, minor, detailHtml) {
    var box = byId(id);
    var value = box.querySelector('.value');
    value.textContent = valueText;
    if (minor !== null) value.setAttribute('data-minor', minor); else value.removeAttribute('data-minor');
    box.querySelector('.detail').innerHTML = detailHtml;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
  }

  function drawTotals(data) {
    var t = data.totals;
    var p = data.previous_totals;
    var c = data.currency;
    var e = data.exponent;
    kpi('kpi-gross', money(t.gross_amount, c, e), t.gross_amount, change(t.gross_amount, p.gross_amount));
    kpi('kpi-net', money(t.net_amount, c, e), t.net_amount, change(t.net_amount, p.net_amount));
    kpi('kpi-fees', money(t.fee_amount, c, e), t.fee_amount, escapeHtml(percent(t.fee_rate)) + ' of gross');
    kpi('kpi-refunds', money(t.refunded_amount, c, e), t.refunded_amount,
      escapeHtml(counted(t.refund_count, 'refund', 'refunds') + ', ' + percent(t.refunded_amount_rate) + ' of gross'));
    kpi('kpi-disputes', money(t.disputed_amount, c, e), t.disputed_amount,
      escapeHtml(counted(t.dispute_count, 'dispute', 'disputes') + ', ' + percent(t.dispute_rate) + ' of payments'));
    kpi('kpi-count', count(t.count), null, change(String(t.count), String(p.count)));
  }

  function row(body, cells, attributes) {
    var tr = document.createElement('tr');
    Object.keys(attributes).forEach(function (key) { tr.setAttribute(key, attributes[key]); });
    cells.forEach(function (text) {
      var td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }

  function drawTables(data) {
    var c = data.currency;
    var e = data.exponent;
    var merchants = byId('merchants').tBodies[0];
    merchants.replaceChildren();
    data.top_merchants.forEach(function (m) {
      row(merchants, [m.merchant, money(m.gross_amount, c, e), money(m.net_amount, c, e), count(m.count),
        percent(m.fee_rate), percent(m.refunded_amount_rate)], { 'data-merchant': m.merchant });
    });
    if (data.top_merchants.length === 0) row(merchants, ['no payments in this view', '', '', '', '', ''], {});
    var series = byId('series').tBodies[0];
    series.replaceChildren();
    data.series.forEach(function (b) {
      row(series, [b.period_start, money(b.gross_amount, c, e), money(b.fee_amount, c, e), money(b.refunded_amount, c, e),
        money(b.net_amount, c, e), money(b.disputed_amount, c, e), count(b.count)], { 'data-period': b.period_start });
    });
  }

  function drawStatus(data) {
    var freshness = byId('freshness');
    var f = data.freshness;
    if (f === null) {
      freshness.textContent = 'no projection yet';
      freshness.className = 'chip warn';
    } else {
      var behind = f.lag_messages === null ? 'lag unknown' : f.lag_messages === '0' ? 'up to date' :
        count(f.lag_messages) + ' ledger events behind';
      freshness.textContent = 'Ledger sequence ' + f.sequence + ', ' + behind +
        (f.updated_at === null ? '' : ', last applied ' + new Date(f.updated_at).toLocaleString('en-GB', { timeZone: data.filters.time_zone }));
      freshness.className = 'chip ' + (f.lag_messages === '0' ? 'ok' : 'warn');
      freshness.setAttribute('data-sequence', f.sequence);
      freshness.setAttribute('data-lag', f.lag_messages === null ? '' : f.lag_messages);
    }
    var reconciliation = byId('reconciliation');
    var r = data.reconciliation;
    if (r === null) {
      reconciliation.textContent = 'reconciliation not run yet';
      reconciliation.className = 'chip';
    } else {
      reconciliation.textContent = r.difference_count === 0 ? 'Reconciled with the ledger at sequence ' + r.sequence :
        'Reconciliation: ' + count(r.difference_count) + ' differences at sequence ' + r.sequence;
      reconciliation.className = 'chip ' + (r.difference_count === 0 ? 'ok' : 'warn');
      reconciliation.setAttribute('data-differences', String(r.difference_count));
    }
    var conversion = byId('conversion');
    var x = data.conversion;
    if (x === null) {
      conversion.textContent = 'Amounts in ' + data.currency.toUpperCase() + ' only; other currencies are left out (see the currency mix).';
    } else {
      var rates = x.rates.map(function (r) { return r.from.toUpperCase() + '→' + r.to.toUpperCase() + ' ' + r.rate; });
      conversion.textContent = 'All currencies converted to ' + x.reporting_currency.toUpperCase() + ' with rate table ' +
        x.rate_table + (rates.length > 0 ? ' (' + rates.join(', ') + ')' : '') +
        (x.unconverted.length > 0 ? '. Left out, no rate: ' + x.unconverted.map(function (u) { return u.currency.toUpperCase(); }).join(', ') : '') + '.';
    }
  }

  async function show() {
    byId('message').textContent = '';
    var token = tokenInput.value.trim();
    if (token === '') { byId('message').textContent = 'Enter the analyst token.'; return; }
    sessionStorage.setItem('analystToken', token);
    var params = filterParams();
    history.replaceState(null, '', location.pathname + (params.toString() === '' ? '' : '?' + params.toString()));
    document.body.removeAttribute('data-loaded');
    try {
      var response = await request(params, 'application/json');
      var data = await response.json();
      if (!response.ok) throw new Error((data.error && data.error.message) || ('HTTP ' + response.status));
      shown = data;
      setOptions(byId('currency'), data.currencies.map(function (c) { return c.currency; }), data.filters.currency || '', true);
      setOptions(byId('reporting_currency'), data.reporting_currencies, data.currency, false);
      byId('reporting-currency-label').hidden = data.conversion === null;
      byId('from').value = data.filters.from;
      byId('to').value = data.filters.to;
      byId('time_zone').value = data.filters.time_zone;
      drawStatus(data);
      drawTotals(data);
      drawTimeCharts(data);
      drawMixCharts(data);
      drawTables(data);
      byId('download').disabled = false;
      document.body.setAttribute('data-loaded', data.as_of === null ? 'empty' : data.as_of.sequence);
    } catch (error) {
      byId('message').textContent = error.message;
      document.body.setAttribute('data-loaded', 'error');
    }
  }

  async function download() {
    if (shown === null) return;
    var params = filterParams();
    var response = await request(params, 'text/csv');
    if (!response.ok) { byId('message').textContent = 'CSV download failed: HTTP ' + response.status; return; }
    var name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
    var link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? name[1] : 'overview.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  byId('currency').addEventListener('change', function () {
    byId('reporting-currency-label').hidden = byId('currency').value !== '';
  });
  byId('filters').addEventListener('submit', function (event) { event.preventDefault(); void show(); });
  byId('download').addEventListener('click', function () { void download(); });
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  readUrl();
  byId('reporting-currency-label').hidden = byId('currency').value !== '';
  tokenInput.value = sessionStorage.getItem('analystToken') || '';
  if (tokenInput.value !== '') void show();
})();
`;
