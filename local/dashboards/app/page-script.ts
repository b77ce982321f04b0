/**
 * The dashboard page's script (runs in the browser, plain JavaScript): draws every visual from the API's JSON
 * with the inlined Chart.js, keeps the filters form, the URL and the data in step, and marks
 * `body[data-ready]` (the DOM contract the browser tests read: docs/architecture.md, local dashboards).
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var meta = JSON.parse(document.getElementById('dashboard-meta').textContent);
  var state = JSON.parse(document.getElementById('initial-data').textContent);
  var form = document.getElementById('filters');
  var status = document.getElementById('status');
  var charts = {};
  var seq = 0;
  // Okabe-Ito: distinct for the common colour-vision deficiencies; beyond 8 series the hues repeat with a dash
  // pattern and point style of their own, so every series stays distinct
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [14, 5], [4, 8]];
  var POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'];
  function seriesStyle(i) {
    var round = Math.floor(i / PALETTE.length);
    return { color: PALETTE[i % PALETTE.length], dash: DASHES[round % DASHES.length], point: POINTS[round % POINTS.length], fill: tint(PALETTE[i % PALETTE.length], round) };
  }
  /** a slice (which cannot be dashed) beyond the 8th: its hue mixed with white, lighter each round */
  function tint(hex, round) {
    var share = Math.min(round * 0.45, 0.8);
    var rgb = [1, 3, 5].map(function (at) { var c = parseInt(hex.substr(at, 2), 16); return Math.round(c + (255 - c) * share); });
    return 'rgb(' + rgb.join(', ') + ')';
  }

  var formats = {};
  /** axis ticks are whole numbers (digits = 0); figures keep cents and one decimal of a percentage */
  function formatter(format, currency, digits) {
    var key = format + '|' + (currency || '') + '|' + digits;
    if (!formats[key]) {
      var o = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
      if (format === 'money' && currency) o = { style: 'currency', currency: currency, minimumFractionDigits: 2, maximumFractionDigits: 2 };
      else if (format === 'percent') o = { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 };
      else if (format === 'integer') o = { maximumFractionDigits: 0 };
      if (digits === 0) { o.minimumFractionDigits = 0; o.maximumFractionDigits = format === 'decimal' ? 2 : 0; }
      formats[key] = new Intl.NumberFormat('en-US', o);
    }
    return formats[key];
  }
  function fmt(value, format, currency, digits) {
    if (value === null || value === undefined) return '\u2013';
    return formatter(format, currency, digits).format(value);
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function storeName(id) {
    for (var i = 0; i < state.options.stores.length; i++) if (state.options.stores[i].id === id) return state.options.stores[i].name + ' (' + id + ')';
    return id;
  }
  /** a dimension value as shown: store ids with their names */
  function label(visual, column, key) {
    if (key === '') return '(none)';
    return visual.storeColumn && column === visual.storeColumn ? storeName(key) : key;
  }
  function figureSpan(role, fig, format) {
    return el('span', { 'data-role': role, 'data-value': JSON.stringify(fig.value), 'data-currency': format === 'money' ? fig.currency : null }, [fmt(fig.value, format, fig.currency)]);
  }
  function body(section) {
    var b = section.querySelector('.body');
    b.textContent = '';
    return b;
  }
  function destroyChart(id) {
    if (charts[id]) { charts[id].destroy(); delete charts[id]; }
  }
  function unit(format, currency) {
    return format === 'money' && currency ? ' (' + currency + ')' : '';
  }

  function drawKpi(visual, data, b) {
    b.appendChild(el('div', { class: 'kpi-value' }, [figureSpan('value', data.value, data.format)]));
    b.appendChild(el('div', { class: 'kpi-line' }, [visual.valueLabel]));
    if (data.target) {
      b.appendChild(el('div', { class: 'kpi-line' }, [visual.targetLabel + ': ', figureSpan('target', data.target, data.format)]));
    }
    if (data.comparison) {
      var change = data.change;
      var changeText = change === null ? '\u2013' : (change > 0 ? '+' : '') + fmt(change, 'percent');
      b.appendChild(el('div', { class: 'kpi-line' }, [
        (data.comparison.period === 'previous_year' ? 'Previous year' : 'Previous period') + ': ',
        figureSpan('comparison', data.comparison, data.format), ' ',
        el('span', { 'data-role': 'change', 'data-value': JSON.stringify(change), class: change === null ? null : change >= 0 ? 'change-up' : 'change-down' }, [changeText])
      ]));
    }
  }

  function dataTable(headers, rows, hidden) {
    var head = el('tr', {}, headers.map(function (h) { return el('th', { class: h.num ? 'num' : null, scope: 'col' }, [h.label]); }));
    var t = el('table', { 'data-role': hidden === undefined ? null : 'chart-data' }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
    // a table grows to its content whatever its width: the wrapper is what stays 1 px
    return hidden ? el('div', { class: 'sr-only' }, [t]) : t;
  }

  function drawTable(visual, data, b) {
    if (!data.rows.length) { b.appendChild(el('p', { class: 'empty' }, ['No rows for these filters.'])); return; }
    var rows = data.rows.map(function (r) {
      return el('tr', { 'data-key': r.key }, data.columns.map(function (c) {
        var cell = r.cells[c.id];
        if (c.format === null) return el('td', { 'data-field': c.id, 'data-value': cell.value }, [label(visual, c.id, cell.value === null ? '' : cell.value)]);
        return el('td', { 'data-field': c.id, 'data-value': JSON.stringify(cell.value), 'data-currency': c.format === 'money' ? cell.currency : null, class: 'num' }, [fmt(cell.value, c.format, cell.currency)]);
      }));
    });
    b.appendChild(el('div', { class: 'table-box' }, [dataTable(data.columns.map(function (c) { return { label: c.label, num: c.format !== null }; }), rows)]));
  }

  function chartBox(b, visual) {
    var canvas = el('canvas', { role: 'img', 'aria-label': visual.title });
    b.appendChild(el('div', { class: 'chart-box' }, [canvas]));
    return canvas;
  }
  function axisTicks(format, currency) {
    // whole-number ticks for counts, so a small range does not print 0, 1, 1, 2 (rounded fractions)
    return { precision: format === 'integer' ? 0 : undefined, callback: function (v) { return fmt(v, format, currency, 0); } };
  }
  function tooltip(format, currency) {
    return { callbacks: { label: function (ctx) { return (ctx.dataset.label ? ctx.dataset.label + ': ' : '') + fmt(ctx.raw, format, currency); } } };
  }

  function drawLine(visual, data, b) {
    if (!data.x.length) { b.appendChild(el('p', { class: 'empty' }, ['No data for these filters.'])); return; }
    var series = data.series.map(function (s, i) {
      var st = seriesStyle(i);
      return { label: s.key === '' ? visual.valueLabel : label(visual, visual.series, s.key), data: s.values, borderColor: st.color, backgroundColor: st.color, borderDash: st.dash, pointStyle: st.point, pointRadius: 3, spanGaps: true, tension: 0, borderWidth: 2 };
    });
    charts[visual.id] = new Chart(chartBox(b, visual), {
      type: 'line',
      data: { labels: data.x, datasets: series },
      options: { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
        plugins: { tooltip: tooltip(data.format, data.currency), legend: { labels: { usePointStyle: true, boxWidth: 8 } } },
        scales: { y: { beginAtZero: true, ticks: axisTicks(data.format, data.currency), title: { display: true, text: visual.valueLabel + unit(data.format, data.currency) } } } }
    });
    var rows = data.x.map(function (x, xi) {
      return el('tr', { 'data-key': x }, [el('th', { scope: 'row' }, [x])].concat(data.series.map(function (s) {
        return el('td', { 'data-field': s.key === '' ? visual.valueId : s.key, 'data-value': JSON.stringify(s.values[xi]), 'data-currency': data.format === 'money' ? data.currency : null }, [fmt(s.values[xi], data.format, data.currency)]);
      })));
    });
    b.appendChild(dataTable([{ label: visual.x }].concat(series.map(function (s) { return { label: s.label, num: true }; })), rows, true));
  }

  function drawBar(visual, data, b) {
    if (data.drill) {
      var crumbs = el('nav', { class: 'drill', 'aria-label': 'Drill-down' }, []);
      var up = function (n) { return function () { state.drill[visual.id] = data.drill.path.slice(0, n); if (!n) delete state.drill[visual.id]; reload(); }; };
      crumbs.appendChild(data.drill.path.length ? el('button', { type: 'button' }, ['All']) : el('span', {}, ['All']));
      if (data.drill.path.length) crumbs.lastChild.addEventListener('click', up(0));
      data.drill.path.forEach(function (v, i) {
        crumbs.appendChild(el('span', {}, ['\u203a']));
        var last = i === data.drill.path.length - 1;
        var item = last ? el('span', {}, [label(visual, data.drill.columns[i], v)]) : el('button', { type: 'button' }, [label(visual, data.drill.columns[i], v)]);
        if (!last) item.addEventListener('click', up(i + 1));
        crumbs.appendChild(item);
      });
      if (data.drill.path.length < data.drill.columns.length - 1) crumbs.appendChild(el('span', { class: 'subtitle' }, [' (choose a bar to drill down)']));
      b.appendChild(crumbs);
    }
    if (!data.items.length) { b.appendChild(el('p', { class: 'empty' }, ['No data for these filters.'])); return; }
    var column = data.drill ? data.drill.columns[data.drill.path.length] : visual.category;
    var labels = data.items.map(function (it) { return label(visual, column, it.key); });
    var values = data.items.map(function (it) { return it.value; });
    var pie = data.kind === 'pie';
    var canDrill = data.drill && data.drill.path.length < data.drill.columns.length - 1;
    charts[visual.id] = new Chart(chartBox(b, visual), {
      type: pie ? 'doughnut' : 'bar',
      data: { labels: labels, datasets: [{ label: visual.valueLabel + unit(data.format, data.currency), data: values,
        backgroundColor: pie ? values.map(function (_, i) { return seriesStyle(i).fill; }) : PALETTE[0], borderColor: '#fff', borderWidth: pie ? 1 : 0, maxBarThickness: 32 }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: pie ? undefined : 'y',
        plugins: { tooltip: tooltip(data.format, data.currency), legend: { display: pie, position: 'right' } },
        scales: pie ? {} : { x: { beginAtZero: true, ticks: axisTicks(data.format, data.currency) } },
        onClick: canDrill ? function (_e, elements) {
          if (!elements.length) return;
          state.drill[visual.id] = data.drill.path.concat([data.items[elements[0].index].key]);
          reload();
        } : undefined }
    });
    var rows = data.items.map(function (it, i) {
      return el('tr', { 'data-key': it.key }, [el('th', { scope: 'row' }, [labels[i]]), el('td', { 'data-field': visual.valueId, 'data-value': JSON.stringify(it.value), 'data-currency': data.format === 'money' ? data.currency : null }, [fmt(it.value, data.format, data.currency)])]);
    });
    b.appendChild(dataTable([{ label: column }, { label: visual.valueLabel, num: true }], rows, true));
  }

  // a heat map is a table of coloured cells (one sequential hue: readable without telling hues apart)
  function drawHeatmap(visual, data, b) {
    if (!data.rows.length) { b.appendChild(el('p', { class: 'empty' }, ['No data for these filters.'])); return; }
    var all = [].concat.apply([], data.cells).filter(function (v) { return v !== null; });
    var max = Math.max.apply(null, all.map(Math.abs).concat([0]));
    var rows = data.rows.map(function (rk, ri) {
      return el('tr', { 'data-key': rk }, [el('th', { scope: 'row' }, [label(visual, visual.rows, rk)])].concat(data.columns.map(function (ck, ci) {
        var v = data.cells[ri][ci];
        var a = v === null || max === 0 ? 0 : Math.abs(v) / max;
        var style = 'background: rgba(0, 114, 178, ' + (0.08 + 0.72 * a).toFixed(3) + ');' + (a > 0.55 ? ' color: #fff;' : '');
        return el('td', { 'data-field': ck, 'data-value': JSON.stringify(v), 'data-currency': data.format === 'money' ? data.currency : null, class: 'num', style: style }, [fmt(v, data.format, data.currency)]);
      })));
    });
    var headers = [{ label: '' }].concat(data.columns.map(function (c) { return { label: label(visual, visual.columns, c), num: true }; }));
    b.appendChild(el('div', { class: 'table-box heat' }, [dataTable(headers, rows, false)]));
  }

  var DRAW = { kpi: drawKpi, line: drawLine, bar: drawBar, pie: drawBar, heatmap: drawHeatmap, table: drawTable };

  function fillSelect(select, options, selected) {
    select.textContent = '';
    options.forEach(function (o) { select.appendChild(el('option', { value: o.value, selected: selected.indexOf(o.value) >= 0 ? '' : null }, [o.label])); });
  }
  function syncForm() {
    var f = state.filters, o = state.options;
    form.elements.from.value = f.from;
    form.elements.to.value = f.to;
    ['from', 'to'].forEach(function (n) { form.elements[n].min = o.dateMin || ''; form.elements[n].max = o.dateMax || ''; });
    fillSelect(form.elements.region, [{ value: '', label: 'All regions' }].concat(o.regions.map(function (r) { return { value: r, label: r }; })), [f.region || '']);
    fillSelect(form.elements.store, o.stores.map(function (s) { return { value: s.id, label: s.name + ' (' + s.id + ', ' + s.currency + ')' }; }), f.store);
    var compares = o.comparisons.slice();
    if (f.compare && compares.indexOf(f.compare) < 0) compares.push(f.compare);
    fillSelect(form.elements.compare, [{ value: '', label: 'No comparison' }].concat(compares.map(function (c) { return { value: c, label: c === 'previous_year' ? 'Previous year' : 'Previous period' }; })), [f.compare || '']);
  }

  function render() {
    Object.keys(charts).forEach(destroyChart);
    meta.visuals.forEach(function (visual) {
      var section = document.querySelector('[data-visual="' + visual.id + '"]');
      DRAW[visual.kind](visual, state.visuals[visual.id], body(section));
    });
    syncForm();
    status.textContent = '';
    status.className = '';
    // Chart.js lays out on the next frame when the container resizes: ready after it
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        document.body.setAttribute('data-ready', 'true');
        // the page's load time (to the first data-ready after navigation) for whoever measures it
        if (window.performance && performance.mark) performance.mark('retail-lake:ready');
      });
    });
  }

  function queryString() {
    var q = new URLSearchParams();
    var e = form.elements;
    if (e.from.value) q.set('from', e.from.value);
    if (e.to.value) q.set('to', e.to.value);
    if (e.region.value) q.set('region', e.region.value);
    var stores = Array.prototype.filter.call(e.store.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
    if (stores.length) q.set('store', stores.join(','));
    if (e.compare.value) q.set('compare', e.compare.value);
    Object.keys(state.drill).forEach(function (id) { state.drill[id].forEach(function (v) { q.append('drill.' + id, v); }); });
    return q.toString();
  }

  function reload() {
    var mine = ++seq;
    var qs = queryString();
    document.body.setAttribute('data-ready', 'false');
    status.textContent = 'Loading\u2026';
    status.className = '';
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
    fetch('/api/d/' + encodeURIComponent(meta.id) + (qs ? '?' + qs : ''))
      .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, json: json }; }); })
      .then(function (r) {
        if (mine !== seq) return;
        if (!r.ok) throw new Error(r.json.error || 'request failed');
        state = r.json;
        render();
      })
      .catch(function (err) {
        if (mine !== seq) return;
        status.textContent = String(err.message || err);
        status.className = 'error';
        document.body.setAttribute('data-ready', 'true');
      });
  }

  form.addEventListener('change', reload);
  form.addEventListener('submit', function (e) { e.preventDefault(); reload(); });
  render();
})();
`;
