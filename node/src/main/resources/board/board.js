'use strict';
// The board's shared code: reads /board/api (FATE's envelope) and fills the pages.
const Board = (() => {
  async function api(path, options) {
    const answer = await fetch('api/' + path, Object.assign({credentials: 'same-origin'}, options || {}));
    const body = await answer.json();
    if (body.retcode !== 0) {
      throw new Error(body.retmsg);
    }
    return body.data;
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  async function jobsPage(table) {
    const data = await api('jobs');
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const job of data.jobs) {
      const row = document.createElement('tr');
      row.dataset.jobId = job.job_id;
      cell(row, job.job_id);
      cell(row, job.role);
      cell(row, job.party_id);
      cell(row, job.status);
      cell(row, job.progress);
      cell(row, job.start_time);
      body.appendChild(row);
    }
  }

  return {api, jobsPage};
})();
