'use strict';
// This site's party, its peers and the grants it gives.
(() => {
  async function render() {
    try {
      const data = await Board.api('sites');
      Board.message('');
      document.getElementById('party-id').textContent = data.party_id;
      document.getElementById('peers').tBodies[0].replaceChildren(...data.peers.map(p => {
        const tr = document.createElement('tr');
        tr.dataset.partyId = p.party_id;
        Board.cell(tr, p.party_id);
        Board.cell(tr, p.host + ':' + p.port);
        Board.cell(tr, p.tls ? 'mutual TLS' : 'plain');
        Board.cell(tr, p.public_key, 'muted');
        return tr;
      }));
      document.getElementById('grants').tBodies[0].replaceChildren(...data.grants.map(g => {
        const tr = document.createElement('tr');
        tr.dataset.partyId = g.party_id;
        Board.cell(tr, g.party_id);
        Board.cell(tr, g.src_role);
        Board.cell(tr, g.type);
        Board.cell(tr, g.value);
        return tr;
      }));
    } catch (e) {
      Board.message(e.message);
    }
    Board.ready();
  }

  Board.nav();
  render();
})();
