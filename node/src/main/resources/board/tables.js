'use strict';
// Tables this node knows and its upload history, one page of each.
(() => {
  const LIMIT = 20;

  function jobLink(jobId, role, partyId) {
    return jobId ? Board.link('job.html' + Board.query({job_id: jobId, role, party_id: partyId}), jobId) : '';
  }

  async function render(page) {
    try {
      const data = await Board.api('tables' + Board.query({page, limit: LIMIT}));
      Board.message('');
      document.getElementById('tables').tBodies[0].replaceChildren(...data.tables.tables.map(t => {
        const tr = document.createElement('tr');
        tr.dataset.table = t.namespace + '.' + t.table_name;
        Board.cell(tr, t.namespace);
        Board.cell(tr, t.table_name);
        Board.cell(tr, t.count, 'number');
        Board.cell(tr, t.engine);
        Board.cell(tr, t.store_type);
        Board.cell(tr, t.partitions, 'number');
        Board.cell(tr, t.origin);
        Board.cell(tr, t.enable ? 'yes' : 'no');
        Board.cell(tr, t.job_id || '');
        Board.cell(tr, Board.time(t.create_time));
        return tr;
      }));
      document.getElementById('uploads').tBodies[0].replaceChildren(...data.uploads.uploads.map(u => {
        const tr = document.createElement('tr');
        tr.dataset.jobId = u.job_id;
        Board.cell(tr, jobLink(u.job_id, 'local', '0'));
        Board.statusCell(tr, u.status);
        Board.cell(tr, u.namespace + '.' + u.table_name);
        Board.cell(tr, Board.time(u.create_time));
        Board.cell(tr, Board.duration(u.elapsed));
        Board.cell(tr, u.error_report || '');
        return tr;
      }));
      const count = Math.max(data.tables.count, data.uploads.count);
      Board.pager(document.getElementById('pager'), page, LIMIT, count, render);
    } catch (e) {
      Board.message(e.message);
    }
    Board.ready();
  }

  Board.nav();
  render(parseInt(Board.param('page'), 10) || 1);
})();
