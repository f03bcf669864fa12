'use strict';
// The component page: parameters, tracked metrics drawn with ECharts, the model summary, the output data
// paged and the log followed live while the component runs. Reads /board/api/jobs/{job}/components/{c}/...
(() => {
  const query = new URLSearchParams(window.location.search);
  const jobId = query.get('job_id') || '';
  const component = query.get('component') || '';
  const role = query.get('role') || '';
  const partyId = query.get('party_id') || '';
  const base = 'jobs/' + encodeURIComponent(jobId) + '/components/' + encodeURIComponent(component);
  const LOG_POLL_MS = 1000;
  const PAGE_ROWS = 20;
  const METRICS_EVERY_POLLS = 5;

  function api(part, extra) {
    const q = new URLSearchParams();
    if (role) {
      q.set('role', role);
    }
    if (partyId) {
      q.set('party_id', partyId);
    }
    Object.keys(extra || {}).forEach((k) => q.set(k, extra[k]));
    return Board.api(base + part + '?' + q.toString());
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function text(id, value) {
    byId(id).textContent = value == null ? '' : String(value);
  }

  function showError(error) {
    const p = byId('component-error');
    p.hidden = false;
    p.textContent = error.message;
  }

  // ---- charts ----

  /** A titled chart container in `parent`, made once; its ECharts instance. */
  function chart(parent, id, title) {
    let el = byId(id);
    if (!el) {
      const section = document.createElement('section');
      const h = document.createElement('h3');
      h.textContent = title;
      section.appendChild(h);
      el = document.createElement('div');
      el.id = id;
      el.className = 'chart';
      section.appendChild(el);
      parent.appendChild(section);
    }
    return echarts.getInstanceByDom(el) || echarts.init(el);
  }

  function curveLabel(m) {
    return (m.meta && m.meta.curve_name ? m.meta.curve_name : m.name) + ' (' + m.namespace + ')';
  }

  function lineOption(xName, yName, series, extra) {
    return Object.assign({
      tooltip: {trigger: 'axis'},
      legend: {top: 0},
      grid: {top: 40, left: 60, right: 20, bottom: 40},
      xAxis: {type: 'value', name: xName, nameLocation: 'middle', nameGap: 25, scale: true},
      yAxis: {type: 'value', name: yName, scale: true},
      series: series.map((s) => Object.assign({type: 'line', showSymbol: false}, s)),
    }, extra || {});
  }

  function ofType(metrics, type) {
    return metrics.filter((m) => m.type === type);
  }

  function drawLoss(parent, metrics) {
    const loss = ofType(metrics, 'LOSS');
    if (loss.length) {
      chart(parent, 'loss-chart', 'Loss').setOption(lineOption('iteration', 'loss',
          loss.map((m) => ({name: curveLabel(m), data: m.data, showSymbol: true}))));
    }
  }

  /** The tracked scalar values (auc, ks, precision...) of the evaluation summaries, as tracked. */
  function drawSummary(metrics) {
    const summaries = ofType(metrics, 'EVALUATION_SUMMARY');
    const table = byId('evaluation-summary');
    table.hidden = summaries.length === 0;
    const body = table.tBodies[0];
    body.replaceChildren();
    let auc = null;
    summaries.forEach((m) => m.data.forEach((point) => {
      const row = document.createElement('tr');
      [point[0], m.namespace, m.name, point[1]].forEach((v) => {
        const td = document.createElement('td');
        td.textContent = String(v);
        row.appendChild(td);
      });
      body.appendChild(row);
      if (point[0] === 'auc' && auc === null) {
        auc = point[1];
      }
    }));
    return auc;
  }

  function drawRoc(parent, metrics, auc) {
    const roc = ofType(metrics, 'ROC_EVALUATION');
    if (!roc.length) {
      return;
    }
    const series = roc.map((m) => ({name: curveLabel(m), data: m.data}));
    series.push({name: 'random', data: [[0, 0], [1, 1]], lineStyle: {type: 'dashed'}});
    chart(parent, 'roc-chart', 'ROC').setOption(lineOption('fpr', 'tpr', series,
        {xAxis: {type: 'value', name: 'fpr', min: 0, max: 1, nameLocation: 'middle', nameGap: 25},
          yAxis: {type: 'value', name: 'tpr', min: 0, max: 1}}));
    let el = byId('auc');
    if (!el) {
      el = document.createElement('p');
      el.id = 'auc';
      byId('roc-chart').parentNode.appendChild(el);
    }
    if (auc !== null) {
      el.dataset.value = String(auc);
      el.textContent = 'AUC ' + auc;
    }
  }

  function drawKs(parent, metrics) {
    const ks = ofType(metrics, 'KS_EVALUATION');
    if (ks.length) {
      chart(parent, 'ks-chart', 'KS').setOption(lineOption('cut', 'rate',
          ks.map((m) => ({name: curveLabel(m), data: m.data}))));
    }
  }

  function drawCurve(parent, metrics, type, id, title, xName, yName) {
    const found = ofType(metrics, type);
    if (found.length) {
      chart(parent, id, title).setOption(lineOption(xName, yName,
          found.map((m) => ({name: curveLabel(m), data: m.data}))));
    }
  }

  /** Precision against recall, paired by threshold (both are tracked over the same thresholds). */
  function drawPr(parent, metrics) {
    const precisions = ofType(metrics, 'PRECISION_EVALUATION');
    const recalls = ofType(metrics, 'RECALL_EVALUATION');
    const series = [];
    precisions.forEach((p) => {
      const r = recalls.find((x) => x.namespace === p.namespace
          && (x.meta.curve_name || '') === (p.meta.curve_name || ''));
      if (r) {
        const n = Math.min(p.data.length, r.data.length);
        const data = [];
        for (let i = 0; i < n; i++) {
          data.push([r.data[i][1], p.data[i][1]]);
        }
        data.sort((a, b) => a[0] - b[0]);
        series.push({name: curveLabel(p), data: data});
      }
    });
    if (series.length) {
      chart(parent, 'pr-chart', 'Precision-recall').setOption(lineOption('recall', 'precision', series));
    }
  }

  /** The index of the tracked threshold nearest to `t`. */
  function nearest(thresholds, t) {
    let best = 0;
    for (let i = 1; i < thresholds.length; i++) {
      if (Math.abs(thresholds[i] - t) < Math.abs(thresholds[best] - t)) {
        best = i;
      }
    }
    return best;
  }

  function drawConfusion(parent, metrics) {
    const found = ofType(metrics, 'CONFUSION_MAT_EVALUATION');
    if (!found.length) {
      return;
    }
    const meta = found[0].meta;
    const instance = chart(parent, 'confusion-matrix', 'Confusion matrix');
    let input = byId('threshold');
    if (!input) {
      const label = document.createElement('label');
      label.textContent = 'Threshold ';
      input = document.createElement('input');
      input.id = 'threshold';
      input.type = 'number';
      input.min = '0';
      input.max = '1';
      input.step = '0.01';
      input.value = '0.5';
      label.appendChild(input);
      const chosen = document.createElement('span');
      chosen.id = 'confusion-threshold';
      label.appendChild(chosen);
      byId('confusion-matrix').parentNode.insertBefore(label, byId('confusion-matrix'));
      input.addEventListener('input', () => drawConfusionAt(instance, meta, input));
    }
    drawConfusionAt(instance, meta, input);
  }

  function drawConfusionAt(instance, meta, input) {
    const thresholds = meta.thresholds || [];
    if (!thresholds.length) {
      return;
    }
    const wanted = parseFloat(input.value);
    const i = nearest(thresholds, isNaN(wanted) ? 0.5 : wanted);
    const chosen = byId('confusion-threshold');
    chosen.textContent = ' (nearest tracked threshold ' + thresholds[i] + ')';
    chosen.dataset.threshold = String(thresholds[i]);
    const cells = [[0, 1, meta.tp[i]], [1, 1, meta.fn[i]], [0, 0, meta.fp[i]], [1, 0, meta.tn[i]]];
    const max = Math.max(1, meta.tp[i] + meta.fn[i], meta.fp[i] + meta.tn[i]);
    instance.setOption({
      tooltip: {},
      grid: {top: 20, left: 100, right: 20, bottom: 60},
      xAxis: {type: 'category', data: ['predicted 1', 'predicted 0'], position: 'top'},
      yAxis: {type: 'category', data: ['actual 0', 'actual 1']},
      visualMap: {min: 0, max: max, show: false, inRange: {color: ['#f2f6fa', '#1f3b57']}},
      series: [{type: 'heatmap', data: cells, label: {show: true}}],
    });
  }

  function drawIntersection(parent, metrics) {
    const found = ofType(metrics, 'INTERSECTION');
    if (!found.length) {
      return;
    }
    const points = {};
    found[0].data.forEach((p) => { points[p[0]] = p[1]; });
    const title = 'Intersection' + (points.intersect_rate != null
        ? ' (rate ' + points.intersect_rate + ')' : '');
    chart(parent, 'intersection', title).setOption({
      tooltip: {},
      grid: {top: 20, left: 80, right: 20, bottom: 40},
      xAxis: {type: 'category', data: found[0].data.filter((p) => p[0] !== 'intersect_rate').map((p) => p[0])},
      yAxis: {type: 'value'},
      series: [{type: 'bar', label: {show: true, position: 'top'},
        data: found[0].data.filter((p) => p[0] !== 'intersect_rate').map((p) => p[1])}],
    });
  }

  async function loadMetrics() {
    const data = await api('/metrics');
    const metrics = data.metrics;
    const parent = byId('charts');
    byId('no-metrics').hidden = metrics.length > 0;
    const auc = drawSummary(metrics);
    drawLoss(parent, metrics);
    drawRoc(parent, metrics, auc);
    drawKs(parent, metrics);
    drawCurve(parent, metrics, 'LIFT_EVALUATION', 'lift-chart', 'Lift', 'population share', 'lift');
    drawCurve(parent, metrics, 'GAIN_EVALUATION', 'gain-chart', 'Gain', 'population share', 'gain');
    drawPr(parent, metrics);
    drawConfusion(parent, metrics);
    drawIntersection(parent, metrics);
  }

  // ---- model ----

  function barOption(names, values, yName) {
    return {
      tooltip: {trigger: 'axis'},
      grid: {top: 30, left: 60, right: 20, bottom: 90},
      xAxis: {type: 'category', data: names, axisLabel: {rotate: 60, interval: 0}},
      yAxis: {type: 'value', name: yName},
      series: [{type: 'bar', data: values}],
    };
  }

  function featureLabel(f, own) {
    return f.role === own ? f.feature : f.role + ' ' + f.party_id + ' ' + f.feature;
  }

  function drawBinning(parent, features) {
    const withIv = features.filter((f) => f.iv != null);
    if (!withIv.length) {
      return;
    }
    const own = features[0].role;
    const labels = withIv.map((f) => featureLabel(f, own));
    chart(parent, 'iv-chart', 'IV per feature').setOption(barOption(labels, withIv.map((f) => f.iv), 'IV'));
    const woe = chart(parent, 'woe-chart', 'WOE per bin');
    let select = byId('woe-feature');
    if (!select) {
      select = document.createElement('select');
      select.id = 'woe-feature';
      labels.forEach((l, i) => {
        const o = document.createElement('option');
        o.value = String(i);
        o.textContent = l;
        select.appendChild(o);
      });
      byId('woe-chart').parentNode.insertBefore(select, byId('woe-chart'));
    }
    const draw = () => {
      const f = withIv[parseInt(select.value, 10) || 0];
      const bins = f.woe.map((_, i) => (f.split_points && i < f.split_points.length
          ? '<= ' + f.split_points[i] : 'bin ' + i));
      woe.setOption(barOption(bins, f.woe, 'WOE'));
    };
    select.onchange = draw;
    draw();
  }

  function drawSelection(parent, filters) {
    if (!filters.length) {
      return;
    }
    chart(parent, 'selection', 'Selection per filter').setOption({
      tooltip: {trigger: 'axis', formatter: (items) => {
        const f = filters[items[0].dataIndex];
        return f.filter + '<br>kept: ' + f.kept.join(', ') + '<br>dropped: ' + f.dropped.join(', ');
      }},
      legend: {top: 0},
      grid: {top: 40, left: 60, right: 20, bottom: 40},
      xAxis: {type: 'category', data: filters.map((f) => f.filter)},
      yAxis: {type: 'value', name: 'columns'},
      series: [
        {name: 'kept', type: 'bar', stack: 'cols', data: filters.map((f) => f.kept.length)},
        {name: 'dropped', type: 'bar', stack: 'cols', data: filters.map((f) => f.dropped.length)},
      ],
    });
  }

  async function loadModel() {
    const model = await api('/model');
    const parent = byId('model-charts');
    byId('no-model').hidden = model.has_model;
    if (model.weights) {
      const names = Object.keys(model.weights);
      const title = 'Weights' + (model.intercept != null ? ' (intercept ' + model.intercept + ')' : '');
      chart(parent, 'weights', title).setOption(barOption(names, names.map((n) => model.weights[n]), 'weight'));
    }
    if (model.binning) {
      drawBinning(parent, model.binning);
    }
    if (model.selection) {
      drawSelection(parent, model.selection);
    }
  }

  // ---- output data ----

  let dataPage = 1;
  let dataPages = 1;

  function cellText(v) {
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  async function loadData(page) {
    const data = await api('/data', {page: String(page), limit: String(PAGE_ROWS)});
    dataPage = data.page;
    dataPages = Math.max(1, Math.ceil(data.total / data.limit));
    byId('no-data').hidden = data.header.length > 0 || data.rows.length > 0;
    const table = byId('data-preview');
    const headRow = document.createElement('tr');
    data.header.forEach((h) => {
      const th = document.createElement('th');
      th.textContent = h;
      headRow.appendChild(th);
    });
    table.tHead.replaceChildren(headRow);
    const body = table.tBodies[0];
    body.replaceChildren();
    data.rows.forEach((r) => {
      const tr = document.createElement('tr');
      r.forEach((v) => {
        const td = document.createElement('td');
        td.textContent = cellText(v);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    text('data-page', 'page ' + dataPage + ' of ' + dataPages);
    text('data-total', '(' + data.total + ' rows)');
    byId('data-prev').disabled = dataPage <= 1;
    byId('data-next').disabled = dataPage >= dataPages;
  }

  // ---- log ----

  let logOffset = 0;
  let logPolls = 0;

  /** Reads the log on from where it stopped; polls again while the component runs. */
  async function followLog(onEnd) {
    const pre = byId('log');
    let data;
    try {
      data = await api('/log', {offset: String(logOffset)});
    } catch (e) {
      pre.dataset.following = 'false';
      showError(e);
      return;
    }
    if (data.lines.length) {
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.appendChild(document.createTextNode(data.lines.join('\n') + '\n'));
      if (atBottom) {
        pre.scrollTop = pre.scrollHeight;
      }
    }
    logOffset = data.next_offset;
    text('component-status', data.status);
    if (data.ended) {
      pre.dataset.following = 'false';
      if (logPolls > 0) {
        onEnd();
      }
      return;
    }
    pre.dataset.following = 'true';
    logPolls++;
    if (logPolls % METRICS_EVERY_POLLS === 0) {
      loadMetrics().catch(showError); // a running component's curves grow (the loss, one point an iteration)
    }
    setTimeout(() => followLog(onEnd), data.lines.length ? 0 : LOG_POLL_MS);
  }

  // ---- the page ----

  async function loadComponent() {
    const c = await api('');
    text('component-name', c.name);
    document.title = c.name + ' - Fedflow board';
    const link = byId('job-link');
    link.textContent = c.job_id;
    link.href = 'job.html?' + new URLSearchParams({job_id: c.job_id, role: c.role, party_id: c.party_id});
    text('component-party', c.role + ' ' + c.party_id);
    text('component-module', c.module);
    text('component-status', c.status);
    const up = byId('component-upstream');
    up.replaceChildren();
    c.upstream.forEach((name, i) => {
      if (i > 0) {
        up.appendChild(document.createTextNode(', '));
      }
      const a = document.createElement('a');
      a.className = 'component-link';
      a.textContent = name;
      a.href = 'component.html?' + new URLSearchParams({job_id: c.job_id, role: c.role, party_id: c.party_id,
        component: name});
      up.appendChild(a);
    });
    text('parameters', JSON.stringify(c.parameters, null, 2));
  }

  async function loadResults() {
    await Promise.all([loadMetrics(), loadModel(), loadData(dataPage)]);
  }

  function ready() {
    if (typeof Board.ready === 'function') {
      Board.ready();
    } else {
      document.body.dataset.ready = 'true';
    }
  }

  async function main() {
    if (typeof Board.nav === 'function') {
      Board.nav();
    }
    byId('data-prev').addEventListener('click', () => loadData(dataPage - 1).catch(showError));
    byId('data-next').addEventListener('click', () => loadData(dataPage + 1).catch(showError));
    window.addEventListener('resize', () => document.querySelectorAll('.chart').forEach((el) => {
      const instance = echarts.getInstanceByDom(el);
      if (instance) {
        instance.resize();
      }
    }));
    try {
      await loadComponent();
      await loadResults();
    } catch (e) {
      showError(e);
    }
    ready();
    // charts and data are read again once a component seen running ends, with what it tracked by then
    followLog(() => loadResults().catch(showError));
  }

  main();
})();
