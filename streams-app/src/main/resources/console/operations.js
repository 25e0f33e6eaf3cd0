// Operations: the live feed of segment changes, the dead-letter queue, erasure requests.
'use strict';

PS.page('live', /^\/console\/live$/, async main => {
  const {el} = PS;
  const params = new URLSearchParams(location.search);
  const select = el('select', {id: 'live-segment'}, el('option', {value: ''}, 'every segment, persona and stage'));
  const dot = el('span', {class: 'live-dot', id: 'live-dot'});
  const state = el('span', {id: 'live-state', class: 'muted'}, 'connecting…');
  const pause = el('button', {type: 'button', class: 'secondary', id: 'live-pause'}, 'Pause');
  const count = el('span', {class: 'muted', id: 'live-count'});
  const body = el('tbody', {id: 'live-rows'});
  const MAX_ROWS = 300;
  main.append(el('h1', {}, 'Live feed ', dot, state),
    el('form', {class: 'inline', onsubmit: e => e.preventDefault()}, el('label', {}, 'Show ', select), pause, count),
    el('div', {style: 'height:10px'}),
    el('section', {class: 'card'}, PS.table(['published', 'customer', 'kind', 'segment', 'change', 'cause', 'reason'],
      [], {class: 'changes', id: 'live-table'})));
  main.querySelector('#live-table tbody').replaceWith(body);

  try {
    const segments = (await PS.api('/api/v1/segments')).body.segments;
    for (const s of segments.sort((a, b) => a.id.localeCompare(b.id))) {
      select.append(el('option', {value: s.id}, s.id + ' (' + s.kind.toLowerCase() + ')'));
    }
    for (const stage of ['VISITOR', 'LEAD', 'NEW', 'ACTIVE', 'LOYAL', 'AT_RISK', 'CHURNED', 'REACTIVATED']) {
      select.append(el('option', {value: stage}, stage + ' (lifecycle)'));
    }
  } catch (error) {
    PS.showError(main, error);
  }
  if (params.get('segment')) select.value = params.get('segment');

  let paused = false;
  let received = 0;
  let controller = null;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
  });
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set('segment', select.value); else url.searchParams.delete('segment');
    history.replaceState(null, '', url);
    connect();
  });
  PS.onLeave(() => { if (controller) controller.abort(); });

  function add(change, fresh) {
    body.prepend(changeRow(change, fresh));
    while (body.children.length > MAX_ROWS) body.lastChild.remove();
  }

  async function connect() {
    if (controller) controller.abort();
    const mine = new AbortController();
    controller = mine;
    body.replaceChildren();
    received = 0;
    count.textContent = '';
    const filter = select.value ? '?segment=' + encodeURIComponent(select.value) : '';
    try {
      const recent = (await PS.api('/api/v1/segment-changes' + (filter || '?') + (filter ? '&' : '') + 'limit=30',
        {signal: mine.signal})).body;
      recent.changes.slice().reverse().forEach(change => add(change, false));
    } catch (error) {
      if (error.name === 'AbortError') return;
    }
    for (;;) {
      try {
        await PS.stream('/api/v1/segment-changes/stream' + filter, (name, data) => {
          if (name === 'open') {
            dot.classList.add('on');
            state.textContent = 'live' + (select.value ? ': ' + select.value : '');
            return;
          }
          if (name === 'error') {
            state.textContent = JSON.parse(data).error;
            return;
          }
          if (name !== 'change' || paused) return;
          received++;
          count.textContent = received + ' new since connected';
          add(JSON.parse(data), true);
        }, mine.signal);
      } catch (error) {
        if (error.name === 'AbortError' || mine.signal.aborted) return;
        if (error.status === 401) return;
      }
      if (mine.signal.aborted) return;
      dot.classList.remove('on');
      state.textContent = 'disconnected; reconnecting…';
      await new Promise(resolve => setTimeout(resolve, 2000));
      if (mine.signal.aborted) return;
    }
  }
  connect();
});

PS.page('dlq', /^\/console\/dlq$/, async main => {
  const {el} = PS;
  const counts = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  const recent = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  const since = el('p', {class: 'muted'});
  main.append(el('h1', {}, 'Dead letters'), since,
    el('div', {class: 'grid'}, PS.card('By reason and input', counts),
      el('section', {class: 'card wide'}, el('h2', {}, 'Latest dead-lettered records (metadata only)'), recent,
        el('p', {class: 'muted'}, 'Payloads and keys are not shown: they may carry personal data. '
          + 'They stay in the dead-letter topic for replay.'))));
  PS.every(5000, async () => {
    try {
      const answer = (await PS.api('/api/v1/dlq')).body;
      since.textContent = answer.total + ' record(s) dead-lettered since ' + PS.time(answer.since)
        + (answer.complete ? '' : ' (still reading the topic)') + '.';
      counts.replaceChildren(answer.counts.length
        ? PS.table(['reason', 'input topic', 'count'], answer.counts.map(c =>
          el('tr', {dataset: {reason: c.reason, topic: c.topic}}, el('td', {}, c.reason), el('td', {class: 'mono'}, c.topic),
            el('td', {class: 'num'}, PS.num(c.count)))), {id: 'dlq-counts'})
        : el('p', {class: 'muted'}, 'None.'));
      recent.replaceChildren(answer.recent.length
        ? PS.table(['dead-lettered', 'reason', 'input', 'partition', 'offset', 'message', 'bytes'], answer.recent.map(r =>
          el('tr', {}, el('td', {}, PS.time(r.time)), el('td', {}, r.reason), el('td', {class: 'mono'}, r.topic),
            el('td', {class: 'num'}, r.partition), el('td', {class: 'num'}, r.offset), el('td', {}, r.message),
            el('td', {class: 'num'}, PS.num(r.valueBytes)))), {id: 'dlq-recent'})
        : el('p', {class: 'muted'}, 'None.'));
    } catch (error) {
      counts.replaceChildren();
      PS.showError(counts, error);
    }
  });
});

PS.page('erasure', /^\/console\/erasure$/, async main => {
  const {el} = PS;
  const input = el('input', {type: 'text', id: 'erasure-customer', placeholder: 'customer id', size: 30, required: true});
  const confirmBox = el('input', {type: 'checkbox', id: 'erasure-confirm', required: true});
  const progress = el('div', {id: 'erasure-progress'});
  let polling = null;
  PS.onLeave(() => clearInterval(polling));
  main.append(el('h1', {}, 'Erasure'),
    PS.card('Right to be forgotten',
      el('p', {class: 'muted'}, 'Files a request on erasure-requests. The engine deletes the profile, its identity links, '
        + 'remembered event ids and memberships (members receive EXITED) and publishes a tombstone on profile-updates.'),
      el('form', {class: 'inline', onsubmit: submit}, input,
        el('label', {}, confirmBox, ' I understand this cannot be undone'),
        el('button', {type: 'submit', id: 'erasure-submit'}, 'Erase')),
      progress));

  async function submit(event) {
    event.preventDefault();
    const customerId = input.value.trim();
    clearInterval(polling);
    const steps = el('ol', {class: 'steps'});
    progress.replaceChildren(el('h2', {style: 'margin-top:12px'}, 'Progress for ', el('span', {class: 'mono'}, customerId)), steps);
    const step = (text, state) => {
      const item = el('li', {class: state || ''}, text);
      steps.append(item);
      return item;
    };
    let requestId;
    try {
      const answer = await PS.api('/api/v1/erasures', {method: 'POST', body: {customerId}, accept: [400, 403]});
      if (answer.status !== 202) {
        step('Refused: ' + answer.body.error, 'failed');
        return;
      }
      requestId = answer.body.requestId;
    } catch (error) {
      step('Could not file the request: ' + error.message, 'failed');
      return;
    }
    step('Request ' + requestId + ' filed on erasure-requests.', 'done');
    const waiting = step('Waiting for the engine to delete the profile…');
    const exits = step('Memberships ended (EXITED on segment-changes): 0');
    const started = Date.now();
    polling = setInterval(async () => {
      try {
        const [profile, changes] = await Promise.all([
          PS.api('/api/v1/profiles/' + encodeURIComponent(customerId), {accept: [404, 503]}),
          PS.api('/api/v1/segment-changes?limit=100&customerId=' + encodeURIComponent(customerId))]);
        const ended = changes.body.changes.filter(c => c.change === 'EXITED'
          && Date.parse(c.publishedAt) >= started - 5000).length;
        exits.textContent = 'Memberships ended (EXITED on segment-changes): ' + ended;
        if (ended) exits.className = 'done';
        if (profile.status === 404) {
          waiting.textContent = 'Profile deleted: the API answers 404 for ' + customerId + '.';
          waiting.className = 'done';
          waiting.id = 'erasure-done';
          clearInterval(polling);
        } else if (Date.now() - started > 120000) {
          waiting.textContent = 'The profile is still there after two minutes; check the engine\'s lag and logs.';
          waiting.className = 'failed';
          clearInterval(polling);
        }
      } catch (error) {
        waiting.textContent = 'Could not check: ' + error.message;
      }
    }, 1000);
  }
});
