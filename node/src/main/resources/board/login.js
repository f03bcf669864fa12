'use strict';
// The login page: asks for the app key and secret once, then goes back to the page that sent it here.
(() => {
  // Only a page of the board itself (a bare file name and its query), never another site: ?next= is
  // attacker-controlled input.
  function next() {
    const asked = new URLSearchParams(location.search).get('next') || '';
    return /^[a-z][a-z0-9_-]*\.html(\?[^#]*)?$/.test(asked) ? asked : 'index.html';
  }

  async function session(options) {
    const answer = await fetch('api/session', Object.assign({credentials: 'same-origin'}, options || {}));
    return answer.json();
  }

  function ready() {
    if (typeof Board.ready === 'function') {
      Board.ready();
    } else {
      document.body.dataset.ready = 'true';
    }
  }

  async function start() {
    const form = document.getElementById('login-form');
    const error = document.getElementById('login-error');
    const current = await session();
    if (current.retcode === 0 && (!current.data.auth_required || current.data.authenticated)) {
      location.replace(next());
      return;
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const body = await session({
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({
          app_key: document.getElementById('app-key').value,
          secret: document.getElementById('secret').value,
        }),
      });
      if (body.retcode === 0) {
        location.replace(next());
      } else {
        document.getElementById('secret').value = '';
        error.textContent = body.retmsg;
      }
    });
    ready();
  }

  start().catch((e) => {
    document.getElementById('login-error').textContent = String(e.message || e);
    ready();
  });
})();
