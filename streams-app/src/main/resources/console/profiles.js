// Profiles: find one by customer id or anonymous id, and the whole profile with its recent changes.
'use strict';

PS.page('profiles', /^\/console\/profiles$/, async main => {
  const {el} = PS;
  const input = el('input', {type: 'search', id: 'profile-search', placeholder: 'customer id, anonymous id or anon:…',
    size: 40, autofocus: true});
  const message = el('p', {class: 'status-line', id: 'search-message'});
  const form = el('form', {class: 'inline', onsubmit: async event => {
    event.preventDefault();
    const id = input.value.trim();
    if (!id) return;
    message.textContent = 'Looking up…';
    message.className = 'status-line muted';
    try {
      const answer = await PS.api('/api/v1/profiles/' + encodeURIComponent(id), {accept: [404]});
      if (answer.status === 404) {
        message.textContent = 'No profile with id ' + id + '.';
        message.className = 'status-line error';
        return;
      }
      location.href = '/console/profiles/' + encodeURIComponent(answer.body.profileId);
    } catch (error) {
      message.textContent = error.message;
      message.className = 'status-line error';
    }
  }}, input, el('button', {type: 'submit'}, 'Find'));
  const recent = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  main.append(el('h1', {}, 'Profiles'), PS.card('Find a profile', form, message,
    el('p', {class: 'muted'}, 'An anonymous id finds the customer it is linked to.')),
  el('div', {style: 'height:14px'}), PS.card('Profiles with recent segment changes', recent));
  try {
    const changes = (await PS.api('/api/v1/segment-changes?limit=200')).body.changes;
    const ids = [...new Set(changes.map(c => c.customerId))].slice(0, 20);
    recent.replaceChildren(ids.length ? el('div', {class: 'chips'}, ids.map(PS.profileLink))
      : el('p', {class: 'muted'}, 'No segment change seen yet.'));
  } catch (error) {
    recent.replaceChildren();
    PS.showError(recent, error);
  }
});

PS.page('profiles/one', /^\/console\/profiles\/(.+)$/, async (main, id) => {
  const {el} = PS;
  main.append(el('h1', {}, 'Profile ', el('span', {class: 'mono'}, id)), el('p', {class: 'muted'}, 'Loading…'));
  const answer = await PS.api('/api/v1/profiles/' + encodeURIComponent(id), {accept: [404]});
  main.replaceChildren();
  if (answer.status === 404) {
    main.append(el('h1', {}, 'Profile ', el('span', {class: 'mono'}, id)),
      el('p', {class: 'error', id: 'profile-missing'}, 'No profile with this id (never seen, merged into another, or erased).'),
      el('p', {}, el('a', {href: '/console/profiles'}, 'Find another profile')));
    return;
  }
  const profile = answer.body;
  const stale = answer.headers.get('X-Stale') === 'true';
  const resolvedFrom = answer.headers.get('X-Resolved-From');
  const scores = profile.scores || {};
  const transactions = profile.transactions || {};

  main.append(el('h1', {},
    el('span', {class: 'mono', id: 'profile-id'}, profile.profileId),
    el('span', {class: 'badge', id: 'lifecycle-stage', title: 'lifecycle stage'}, profile.lifecycleStage || '—'),
    profile.persona ? el('span', {class: 'badge good', id: 'persona', title: 'persona'}, profile.persona) : null,
    stale ? el('span', {class: 'badge warn', title: 'served from a copy that may lag'}, 'stale copy') : null));
  main.append(el('p', {class: 'muted'},
    'Stage ' + (profile.lifecycleStage || '—') + ' since ', el('span', {id: 'lifecycle-since'}, PS.time(profile.lifecycleSince)),
    resolvedFrom ? ' · found through ' + resolvedFrom : '',
    ' · next re-evaluation ', PS.time(profile.reevaluateAt)));

  const stats = el('div', {class: 'stats'},
    PS.stat('orders', PS.num(transactions.orders), 'orders'),
    PS.stat('revenue', PS.money(transactions.revenueMinor), 'revenue'),
    PS.stat('churn risk', PS.pct(scores.churnRisk), 'churn-risk'),
    PS.stat('P(alive)', PS.pct(scores.pAlive), 'p-alive'),
    PS.stat('CLV', PS.money(scores.clv), 'clv'));
  main.append(stats);

  const segments = profile.segments || [];
  const grid = el('div', {class: 'grid'});
  grid.append(el('section', {class: 'card wide'}, el('h2', {}, 'Segments (' + segments.length + ')'),
    segments.length ? el('div', {class: 'chips', id: 'profile-segments'}, segments.map(PS.segmentLink))
      : el('p', {class: 'muted', id: 'profile-segments'}, 'In no segment.')));

  grid.append(PS.card('Scores', scoreTable(scores, transactions)));
  const known = ['profileId', 'identity', 'behaviour', 'transactions', 'email', 'demographics', 'consent', 'scores',
    'lifecycleStage', 'lifecycleSince', 'persona', 'segments', 'reevaluateAt'];
  const titles = {identity: 'Identity', behaviour: 'Behaviour', transactions: 'Transactions', email: 'Email',
    demographics: 'Demographics', consent: 'Consent'};
  for (const [group, title] of Object.entries(titles)) {
    if (profile[group] !== undefined) grid.append(PS.card(title, PS.fieldTable(profile[group], group)));
  }
  // Fields this console does not know yet (newer engines add groups) are shown as they come.
  const extra = Object.keys(profile).filter(name => !known.includes(name));
  for (const name of extra) {
    const value = profile[name];
    grid.append(PS.card(name, value !== null && typeof value === 'object'
      ? PS.fieldTable(value, name) : PS.fieldTable({[name]: value}, '')));
  }
  const changes = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  grid.append(el('section', {class: 'card wide'}, el('h2', {}, 'Recent segment, persona and lifecycle changes'), changes));
  main.append(grid);

  try {
    const recent = (await PS.api('/api/v1/segment-changes?limit=50&customerId=' + encodeURIComponent(profile.profileId))).body;
    changes.replaceChildren(recent.changes.length ? changeTable(recent.changes)
      : el('p', {class: 'muted'}, 'None among the changes this engine has read since ' + PS.time(recent.since) + '.'));
  } catch (error) {
    changes.replaceChildren();
    PS.showError(changes, error);
  }

  function scoreTable(scores, transactions) {
    const labels = {pAlive: 'P(alive)', churnRisk: 'churn risk', expectedPurchases: 'expected purchases',
      expectedOrderValue: 'expected order value', clv: 'CLV', engagementScore: 'engagement', rfm: 'RFM (1-5)',
      scoredAt: 'scored at'};
    const shown = Object.assign({}, scores);
    const table = PS.fieldTable(shown, 'scores', labels);
    const days = transactions.distinctPurchaseDays || 0;
    const inputs = el('p', {class: 'muted'},
      'Inputs: ' + days + ' purchase days (x = ' + Math.max(0, days - 1) + ' repeat days), first purchase ',
      PS.time(transactions.firstPurchaseAt), ', last purchase ', PS.time(transactions.lastPurchaseAt),
      ', average order ', PS.money(transactions.averageOrderValueMinor),
      '. Churn risk is the chance of no purchase within the horizon (BG/NBD); CLV uses the Gamma-Gamma spend model.');
    return el('div', {}, table, inputs);
  }
});

/** A table of segment changes, newest first. */
function changeTable(changes, fresh) {
  const {el} = PS;
  return PS.table(['published', 'customer', 'kind', 'segment', 'change', 'cause', 'reason'],
    changes.map(c => changeRow(c, fresh)), {class: 'changes'});
}

function changeRow(c, fresh) {
  const {el} = PS;
  return el('tr', {class: fresh ? 'fresh' : null, dataset: {customer: c.customerId, segment: c.segmentId}},
    el('td', {}, PS.time(c.publishedAt || c.emittedAt)),
    el('td', {}, PS.profileLink(c.customerId)),
    el('td', {}, c.kind),
    el('td', {}, c.kind === 'LIFECYCLE' ? c.segmentId : PS.segmentLink(c.segmentId)),
    el('td', {}, el('span', {class: 'badge ' + c.change}, c.change)),
    el('td', {class: 'mono'}, c.causeEventId),
    el('td', {}, c.reason || ''));
}
