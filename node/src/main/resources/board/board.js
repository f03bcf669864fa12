'use strict';
// The board's shared code: reads /board/api (FATE's envelope) and fills the pages.
const Board = (() => {
  // The session's CSRF token, asked for once (the session id itself is an HttpOnly cookie, unseen here).
  let csrfToken = null;

  async function csrf(renew) {
    if (csrfToken === null || renew) {
      const answer = await fetch('api/session', {credentials: 'same-origin'});
      const body = await answer.json();
      if (body.retcode !== 0) {
        throw new Error(body.retmsg);
      }
      csrfToken = body.data.csrf_token || '';
    }
    return csrfToken;
  }

  function toLogin() {
    const here = location.pathname.split('/').pop() || 'index.html';
    location.assign('login.html?next=' + encodeURIComponent(here + location.search));
  }

  async function api(path, options) {
    const request = Object.assign({credentials: 'same-origin'}, options || {});
    const method = (request.method || 'GET').toUpperCase();
    const changes = method !== 'GET' && method !== 'HEAD';
    let answer = null;
    // a change carries the token; a 403 may mean the session ended since: the token is asked for once more
    for (let attempt = 0; attempt < (changes ? 2 : 1); attempt++) {
      if (changes) {
        request.headers = Object.assign({}, options && options.headers, {'X-CSRF-Token': await csrf(attempt > 0)});
      }
      answer = await fetch('api/' + path, request);
      if (answer.status !== 403) {
        break;
      }
    }
    if (answer.status === 401) {
      toLogin();
      throw new Error('the board needs a login');
    }
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
