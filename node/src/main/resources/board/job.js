'use strict';
// One job: its DAG (an ECharts graph, nodes placed by layer), components, parties, conf and DSL, stop and
// rerun; followed live through server-sent events while it waits or runs, rendered once when it ended.
(() => {
  const jobId = Board.param('job_id');
  const role = Board.param('role');
  const partyId = Board.param('party_id');
  const where = Board.query({role, party_id: partyId});
  const chart = echarts.init(document.getElementById('dag'));
  let current = null;
  let events = null;
  let fallback = null;

  function componentLink(c, job) {
    return 'component.html' + Board.query({job_id: jobId, role: job.role, party_id: job.party_id,
      component: c.name});
  }

  function drawDag(data) {
    const byLayer = {};
    data.components.forEach(c => {
      (byLayer[c.layer] = byLayer[c.layer] || []).push(c);
    });
    const nodes = [];
    Object.keys(byLayer).forEach(layer => byLayer[layer].forEach((c, i) => nodes.push({
      name: c.name,
      x: Number(layer) * 220,
      y: (i - (byLayer[layer].length - 1) / 2) * 90,
      value: c.status,
      itemStyle: {color: Board.colour(c.status)},
      label: {show: true, position: 'bottom', distance: 8, lineHeight: 15,
        formatter: c.name + '\n' + c.module + ' · ' + c.status},
    })));
    const links = [];
    data.components.forEach(c => c.upstream.forEach(up => links.push({source: up, target: c.name})));
    chart.setOption({
      tooltip: {formatter: p => p.dataType === 'node' ? p.name + ': ' + p.value : p.data.source + ' → '
        + p.data.target},
      series: [{
        type: 'graph', layout: 'none', roam: true, symbolSize: 28, edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 9, lineStyle: {color: '#8895a3', width: 2}, data: nodes, links,
      }],
    });
  }

  function listComponents(data) {
    const ul = document.getElementById('components');
    ul.replaceChildren(...data.components.map(c => {
      const li = document.createElement('li');
      li.dataset.component = c.name;
      li.dataset.status = c.status;
      const a = Board.link(componentLink(c, data.job), c.name);
      a.className = 'component-link';
      const status = document.createElement('span');
      status.className = 'status';
      status.textContent = c.status;
      li.append(a, ' ' + c.module + ' · ', status);
      return li;
    }));
  }

  function listParties(data) {
    const body = document.getElementById('parties').tBodies[0];
    body.replaceChildren(...data.parties.map(p => {
      const tr = document.createElement('tr');
      tr.dataset.role = p.role;
      tr.dataset.partyId = p.party_id;
      tr.dataset.status = p.status;
      Board.cell(tr, p.role);
      Board.cell(tr, p.party_id);
      Board.statusCell(tr, p.status);
      Board.cell(tr, p.known_from, 'muted');
      return tr;
    }));
  }

  function render(data) {
    current = data;
    const job = data.job;
    document.getElementById('job-id').textContent = job.job_id;
    const status = document.getElementById('job-status');
    status.textContent = job.status;
    status.dataset.status = job.status;
    status.style.color = Board.colour(job.status);
    document.getElementById('job-progress').textContent = (job.progress || 0) + '%';
    document.getElementById('job-party').textContent = job.role + ' ' + job.party_id;
    document.getElementById('job-initiator').textContent = job.initiator_role + ' ' + job.initiator_party_id
      + (job.is_initiator ? ' (this row)' : '');
    document.getElementById('job-start').textContent = Board.time(job.start_time);
    document.getElementById('job-elapsed').textContent = Board.duration(job.elapsed);
    const report = document.getElementById('error-report');
    report.textContent = job.error_report || '';
    report.hidden = !job.error_report;
    drawDag(data);
    listComponents(data);
    listParties(data);
    const conf = JSON.stringify(data.runtime_conf, null, 2);
    if (document.getElementById('conf').textContent !== conf) {
      document.getElementById('conf').textContent = conf;
      document.getElementById('dsl').textContent = JSON.stringify(data.dsl, null, 2);
    }
    const ended = Board.ended(job.status);
    document.getElementById('stop').disabled = ended;
    document.getElementById('rerun').disabled = !ended || job.status === 'success';
    if (ended) {
      stopFollowing('the job ended');
    }
  }

  function stopFollowing(why) {
    if (events) {
      events.close();
      events = null;
    }
    clearInterval(fallback);
    fallback = null;
    document.getElementById('job-live').textContent = why;
  }

  /** Live updates: the server reads the job once a second for every page following it. */
  function follow() {
    events = new EventSource('api/jobs/' + encodeURIComponent(jobId) + '/events' + where);
    document.getElementById('job-live').textContent = 'live';
    events.addEventListener('job', e => render(JSON.parse(e.data)));
    events.onerror = () => {
      if (current && Board.ended(current.job.status)) {
        stopFollowing('the job ended');
        return;
      }
      // Refused (the node follows too many pages) or cut: read the job now and then instead.
      stopFollowing('re-read every 5 s');
      fallback = setInterval(load, 5000);
    };
  }

  async function load() {
    try {
      render(await Board.api('jobs/' + encodeURIComponent(jobId) + where));
      Board.message('');
    } catch (e) {
      Board.message(e.message);
    }
  }

  async function act(button, path, body, done) {
    button.disabled = true;
    try {
      await Board.post('jobs/' + encodeURIComponent(jobId) + '/' + path, body);
      document.getElementById('action-result').textContent = done;
      Board.message('');
      await load();
      if (!Board.ended(current.job.status) && !events && !fallback) {
        follow();
      }
    } catch (e) {
      Board.message(e.message);
      button.disabled = false;
    }
  }

  document.getElementById('stop').onclick = e => act(e.target, 'stop', {status: 'canceled'}, 'stop sent');
  document.getElementById('rerun').onclick = e => act(e.target, 'rerun', {}, 'rerun started');
  window.addEventListener('resize', () => chart.resize());

  Board.nav();
  (async () => {
    await load();
    if (current && !Board.ended(current.job.status)) {
      follow();
    } else if (current) {
      document.getElementById('job-live').textContent = 'the job ended';
    }
    Board.ready();
  })();
})();
