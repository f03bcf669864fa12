'use strict';
// The models this node holds at each of its roles, newest first.
(() => {
  const LIMIT = 20;

  async function render(page) {
    try {
      const data = await Board.api('models' + Board.query({page, limit: LIMIT}));
      Board.message('');
      document.getElementById('models').tBodies[0].replaceChildren(...data.models.map(m => {
        const tr = document.createElement('tr');
        tr.dataset.modelVersion = m.model_version;
        Board.cell(tr, m.model_id);
        Board.cell(tr, m.model_version);
        Board.cell(tr, m.role);
        Board.cell(tr, m.party_id);
        Board.cell(tr, Board.link('job.html' + Board.query({job_id: m.job_id, role: m.role, party_id: m.party_id}),
          m.job_id));
        Board.statusCell(tr, m.job_status);
        Board.cell(tr, m.deployed ? 'yes' : 'no');
        Board.cell(tr, m.parent_version || '');
        Board.cell(tr, Board.time(m.create_time));
        return tr;
      }));
      Board.pager(document.getElementById('pager'), page, LIMIT, data.count, render);
    } catch (e) {
      Board.message(e.message);
    }
    Board.ready();
  }

  Board.nav();
  render(parseInt(Board.param('page'), 10) || 1);
})();
