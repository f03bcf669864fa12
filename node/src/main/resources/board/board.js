'use strict';
// The board's shared code: reads /board/api (FATE's envelope) and the helpers every page uses.
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

  /** POSTs a JSON body through api (which adds what the board's access check asks for). */
  function post(path, body) {
    return api(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body || {})});
  }

  /** A query string parameter of this page, '' when absent. */
  function param(name) {
    return new URLSearchParams(window.location.search).get(name) || '';
  }

  /** A query string from an object, leaving out empty values. */
  function query(values) {
    const q = new URLSearchParams();
    Object.keys(values).forEach(k => {
      if (values[k] !== '' && values[k] != null) {
        q.set(k, values[k]);
      }
    });
    const s = q.toString();
    return s ? '?' + s : '';
  }

  const PAGES = [['index.html', 'Jobs'], ['tables.html', 'Tables'], ['models.html', 'Models'],
    ['sites.html', 'Sites']];

  /** The header: the board's name and a link to each page, the current one marked. */
  function nav() {
    const header = document.querySelector('header') || document.body.insertBefore(
      document.createElement('header'), document.body.firstChild);
    header.replaceChildren();
    const home = link('index.html', 'Fedflow board');
    home.className = 'brand';
    header.appendChild(home);
    const here = window.location.pathname.split('/').pop() || 'index.html';
    PAGES.forEach(([href, text]) => {
      const a = link(href, text);
      if (href === here) {
        a.className = 'current';
      }
      header.appendChild(a);
    });
  }

  /** Marks the page's first render done (tests and screenshots wait for it). */
  function ready() {
    document.body.dataset.ready = 'true';
  }

  function link(href, text) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  /** Appends a cell with text (or a node) to a row; returns it. */
  function cell(row, content, className) {
    const td = document.createElement('td');
    if (content instanceof Node) {
      td.appendChild(content);
    } else {
      td.textContent = content == null ? '' : String(content);
    }
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  /** A status cell: the status as text, coloured by its class. */
  function statusCell(row, status) {
    const td = cell(row, status, 'status');
    td.dataset.status = status;
    return td;
  }

  const COLOURS = {success: '#2e9d4f', pass: '#7cc48f', running: '#2f7fd1', waiting: '#9aa5b1', ready: '#9aa5b1',
    failed: '#d64545', canceled: '#e0902f', timeout: '#8e5bd0', unknown: '#c8ced4'};

  /** A status's colour (the same in tables and charts). */
  function colour(status) {
    return COLOURS[status] || COLOURS.unknown;
  }

  const ENDED = ['success', 'failed', 'canceled', 'timeout', 'pass'];

  function ended(status) {
    return ENDED.includes(status);
  }

  /** Epoch milliseconds as local date and time; '' for none. */
  function time(ms) {
    if (!ms) {
      return '';
    }
    const d = new Date(ms);
    const pad = n => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
      + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** Milliseconds as h/m/s; '' for none. */
  function duration(ms) {
    if (ms == null) {
      return '';
    }
    const s = Math.round(ms / 1000);
    return s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s'
      : Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  /** Shows a failure (or clears it) in the page's #message. */
  function message(text) {
    const el = document.getElementById('message');
    if (el) {
      el.textContent = text || '';
      el.hidden = !text;
    }
  }

  /**
   * Paging controls in {@code el}: previous, "page N of M", next; {@code go(page)} renders another page.
   */
  function pager(el, page, limit, count, go) {
    el.replaceChildren();
    const pages = Math.max(1, Math.ceil(count / limit));
    const prev = document.createElement('button');
    prev.textContent = '‹ previous';
    prev.className = 'prev';
    prev.disabled = page <= 1;
    prev.onclick = () => go(page - 1);
    const next = document.createElement('button');
    next.textContent = 'next ›';
    next.className = 'next';
    next.disabled = page >= pages;
    next.onclick = () => go(page + 1);
    const at = document.createElement('span');
    at.className = 'page';
    at.textContent = 'page ' + page + ' of ' + pages + ' (' + count + ')';
    el.append(prev, at, next);
  }

  return {api, post, param, query, nav, ready, link, cell, statusCell, colour, ended, time, duration, message,
    pager};
})();
