'use strict';
// The job list: filters and page from the query string; re-read every second while a shown job waits or runs.
(() => {
  const LIMIT = 20;
  const FILTERS = ['status', 'role', 'party_id', 'tag'];
  const table = document.getElementById('jobs');
  const form = document.getElementById('filters');
  let timer = null;

  function state() {
    const s = {page: parseInt(Board.param('page'), 10) || 1};
    FILTERS.forEach(f => {
      s[f] = Board.param(f);
    });
    return s;
  }

  function go(changes) {
    const s = Object.assign(state(), changes);
    history.pushState(null, '', Board.query(s));
    render();
  }

  function progress(job) {
    const td = document.createElement('span');
    const bar = document.createElement('span');
    bar.className = 'progress-bar';
    const fill = document.createElement('span');
    fill.style.width = Math.max(0, Math.min(100, job.progress || 0)) + '%';
    bar.appendChild(fill);
    td.append(bar, String(job.progress || 0) + '%');
    return td;
  }

  function row(job) {
    const tr = document.createElement('tr');
    tr.dataset.jobId = job.job_id;
    tr.dataset.status = job.status;
    const a = Board.link('job.html' + Board.query({job_id: job.job_id, role: job.role, party_id: job.party_id}),
      job.job_id);
    a.className = 'job-link';
    Board.cell(tr, a);
    Board.cell(tr, job.role);
    Board.cell(tr, job.party_id);
    Board.statusCell(tr, job.status);
    const p = Board.cell(tr, progress(job), 'progress');
    p.dataset.progress = job.progress;
    Board.cell(tr, job.tag);
    Board.cell(tr, Board.time(job.start_time));
    Board.cell(tr, Board.duration(job.elapsed != null ? job.elapsed
      : job.start_time ? Date.now() - job.start_time : null));
    Board.cell(tr, job.description);
    return tr;
  }

  async function render() {
    clearTimeout(timer);
    const s = state();
    FILTERS.forEach(f => {
      form.elements[f].value = s[f];
    });
    try {
      const data = await Board.api('jobs' + Board.query(Object.assign({limit: LIMIT}, s)));
      Board.message('');
      table.tBodies[0].replaceChildren(...data.jobs.map(row));
      Board.pager(document.getElementById('pager'), s.page, LIMIT, data.count, page => go({page}));
      // Live progress: at most one read a second, and none once every shown job ended.
      if (data.jobs.some(j => !Board.ended(j.status))) {
        timer = setTimeout(render, 1000);
      }
    } catch (e) {
      Board.message(e.message);
    }
    Board.ready();
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    const changes = {page: 1};
    FILTERS.forEach(f => {
      changes[f] = form.elements[f].value.trim();
    });
    go(changes);
  });
  window.addEventListener('popstate', render);
  Board.nav();
  render();
})();
