// Segments: the catalogue, and one segment with its editor, preview, members and charts.
'use strict';

PS.page('segments', /^\/console\/segments$/, async main => {
  const {el} = PS;
  const idInput = el('input', {type: 'text', id: 'new-segment-id', placeholder: 'new-segment-id', pattern: '[a-z0-9-]+',
    title: 'lower-case letters, digits and dashes'});
  const list = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  main.append(el('h1', {}, 'Segments and personas'),
    el('form', {class: 'inline', onsubmit: event => {
      event.preventDefault();
      if (idInput.value.trim()) location.href = '/console/segments/' + encodeURIComponent(idInput.value.trim());
    }}, idInput, el('button', {type: 'submit', id: 'new-segment'}, 'New segment')),
    el('div', {style: 'height:12px'}), el('section', {class: 'card'}, list));

  PS.every(5000, async () => {
    try {
      const answer = await PS.api('/api/v1/segments');
      const segments = answer.body.segments.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
      list.replaceChildren(PS.table(['id', 'name', 'kind', 'size', 'backfill', 'enabled', 'version', 'rule'],
        segments.map(s => el('tr', {dataset: {segment: s.id}},
          el('td', {class: 'id'}, PS.segmentLink(s.id)),
          el('td', {}, s.name),
          el('td', {}, s.kind + (s.kind === 'PERSONA' ? ' (priority ' + s.priority + ')' : '')),
          el('td', {class: 'num size'}, String(s.size)),
          el('td', {class: 'backfill'}, s.backfill.state === 'RUNNING'
            ? el('span', {class: 'badge warn'}, s.backfill.processed + ' of ' + s.backfill.total)
            : el('span', {class: 'muted'}, 'done (' + s.backfill.processed + ')')),
          el('td', {}, s.enabled ? 'yes' : 'no'),
          el('td', {class: 'num'}, s.version),
          el('td', {class: 'mono', style: 'max-width:380px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap',
            title: s.expression}, s.expression))), {id: 'segments-table'}),
      el('p', {class: 'muted'}, 'Sizes cover ' + (answer.headers.get('X-Instances-Answered') || 1) + ' instance(s).'));
    } catch (error) {
      list.replaceChildren();
      PS.showError(list, error);
    }
  });
});

PS.page('segments/one', /^\/console\/segments\/([^/]+)$/, async (main, id) => {
  const {el} = PS;
  const answer = await PS.api('/api/v1/segments');
  let definition = answer.body.segments.find(s => s.id === id);
  const isNew = !definition;

  const heading = el('h1', {}, el('span', {class: 'mono', id: 'segment-id'}, id),
    isNew ? el('span', {class: 'badge warn'}, 'new') : el('span', {class: 'badge', id: 'segment-size'}, definition.size + ' members'));
  main.append(heading);
  if (definition) main.append(el('p', {class: 'muted', id: 'segment-summary'}, definition.name + ' · ' + definition.kind
    + ' · version ' + definition.version + (definition.description ? ' · ' + definition.description : '')));

  // The editor: validated through the engine's compiler as one types, previewed, saved.
  const name = el('input', {type: 'text', id: 'segment-name', value: definition ? definition.name : ''});
  const description = el('input', {type: 'text', id: 'segment-description', value: definition ? definition.description : ''});
  const kind = el('select', {id: 'segment-kind'}, ['SEGMENT', 'PERSONA'].map(k =>
    el('option', {value: k, selected: definition ? definition.kind === k : k === 'SEGMENT'}, k)));
  const priority = el('input', {type: 'number', id: 'segment-priority', value: definition ? definition.priority : 0});
  const enabled = el('input', {type: 'checkbox', id: 'segment-enabled', checked: definition ? definition.enabled : true});
  const holdoutPercent = el('input', {type: 'number', id: 'segment-holdout', min: 0, max: 50, step: 'any',
    value: definition && definition.holdoutPercent !== undefined ? definition.holdoutPercent : 0});
  const expression = el('textarea', {id: 'expression', spellcheck: 'false', autocomplete: 'off'});
  expression.value = definition ? definition.expression : 'profile.transactions.orders >= 2';
  const validation = el('div', {id: 'validation', class: 'status-line'});
  const preview = el('div', {id: 'preview', class: 'status-line'});
  const saved = el('div', {id: 'save-status', class: 'status-line'});
  const previewButton = el('button', {type: 'button', class: 'secondary', id: 'preview-button', onclick: runPreview}, 'Preview');
  const saveButton = el('button', {type: 'button', id: 'save-button', onclick: save}, isNew ? 'Create' : 'Save');
  const deleteButton = isNew ? null : el('button', {type: 'button', class: 'danger', id: 'delete-button', onclick: remove}, 'Delete');

  const editor = el('section', {class: 'card wide editor'}, el('h2', {}, isNew ? 'New definition' : 'Definition'),
    el('div', {class: 'row'},
      el('div', {}, el('label', {for: 'segment-name'}, 'Name'), name),
      el('div', {}, el('label', {for: 'segment-description'}, 'Description'), description),
      el('div', {style: 'flex:0 0 130px'}, el('label', {for: 'segment-kind'}, 'Kind'), kind),
      el('div', {style: 'flex:0 0 110px'}, el('label', {for: 'segment-priority'}, 'Priority (personas)'), priority),
      el('div', {style: 'flex:0 0 110px'}, el('label', {for: 'segment-holdout'}, 'Holdout %'), holdoutPercent),
      el('div', {style: 'flex:0 0 80px'}, el('label', {for: 'segment-enabled'}, 'Enabled'), enabled)),
    el('label', {for: 'expression'}, 'Rule (CEL over profile, now and the helper functions)'), expression,
    validation,
    el('div', {class: 'buttons'}, previewButton, saveButton, deleteButton),
    preview, saved);

  const members = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  const memberGroup = el('select', {id: 'member-group', onchange: () => loadMembers(null, [])},
    [['all', 'all members'], ['treated', 'treated (to act on)'], ['holdout', 'held out']].map(([value, label]) =>
      el('option', {value}, label)));
  const history = el('div', {class: 'chart', id: 'size-chart'});
  const historyNote = el('p', {class: 'muted'});
  const churnChart = el('div', {class: 'chart', id: 'churn-chart'});
  const clvChart = el('div', {class: 'chart', id: 'clv-chart'});
  const distributionNote = el('p', {class: 'muted', id: 'distribution-note'});
  const summary = el('div', {id: 'segment-summary-card'}, el('p', {class: 'muted'}, 'Loading…'));
  const holdout = el('div', {id: 'holdout-comparison'}, el('p', {class: 'muted'}, 'Loading…'));
  main.append(el('div', {class: 'grid'}, editor, isNew ? null : [
    el('section', {class: 'card wide'}, el('h2', {}, 'Summary'), summary),
    PS.card('Holdout comparison', holdout),
    PS.card('Members', memberGroup, members),
    PS.card('Size over time', history, historyNote),
    PS.card('Churn risk among members', churnChart),
    PS.card('CLV among members', clvChart, distributionNote)]));

  let validating = null;
  let timer = null;
  expression.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(validate, 250);
  });
  validate();
  if (!isNew) {
    loadSummary();
    loadMembers(null, []);
    loadHistory();
    loadDistributions();
  }

  async function validate() {
    if (validating) validating.abort();
    validating = new AbortController();
    const text = expression.value;
    try {
      const result = await PS.api('/api/v1/segments/validate', {method: 'POST', body: {expression: text},
        accept: [400], signal: validating.signal});
      showValidation(text, result.status === 200 ? null : result.body);
    } catch (error) {
      if (error.name !== 'AbortError') showValidation(text, {error: error.message, position: null});
    }
  }

  function showValidation(text, error) {
    validation.replaceChildren();
    expression.classList.toggle('invalid', !!error);
    if (!error) {
      validation.append(el('span', {class: 'ok', id: 'valid'}, '✓ The rule compiles.'));
      return;
    }
    const position = error.position;
    const where = position ? ' (line ' + position.line + ', column ' + position.column + ')' : '';
    validation.append(el('div', {class: 'error', id: 'compile-error', dataset: position ? {
      line: position.line, column: position.column, offset: position.offset} : {}}, error.error + where));
    if (position) {
      const line = text.split('\n')[position.line - 1] || '';
      validation.append(el('pre', {class: 'caret', id: 'error-caret'},
        line + '\n' + ' '.repeat(Math.max(0, position.column - 1)) + '^'));
    }
  }

  async function runPreview() {
    preview.replaceChildren(el('span', {class: 'muted'}, 'Previewing…'));
    try {
      const result = await PS.api('/api/v1/segments/preview', {method: 'POST', body: {expression: expression.value},
        accept: [400]});
      if (result.status === 400) {
        showValidation(expression.value, result.body);
        preview.replaceChildren();
        return;
      }
      preview.replaceChildren(
        el('div', {}, 'Preview: ', el('strong', {id: 'preview-size'}, String(result.body.size)),
          ' profiles match now (' + (result.headers.get('X-Instances-Answered') || 1) + ' instance(s); nothing published).'),
        el('div', {class: 'chips', id: 'preview-sample'}, result.body.sample.map(PS.profileLink)));
    } catch (error) {
      preview.replaceChildren(el('span', {class: 'error'}, error.message));
    }
  }

  async function save() {
    saved.replaceChildren(el('span', {class: 'muted'}, 'Saving…'));
    const body = {name: name.value.trim(), description: description.value.trim(), kind: kind.value,
      expression: expression.value, priority: Number(priority.value) || 0, enabled: enabled.checked,
      holdoutPercent: Number(holdoutPercent.value) || 0};
    try {
      const result = await PS.api('/api/v1/segments/' + encodeURIComponent(id), {method: 'PUT', body, accept: [400, 403]});
      if (result.status === 400) {
        if (result.body.position !== undefined) showValidation(expression.value, result.body);
        saved.replaceChildren(el('span', {class: 'error'}, result.body.error));
        return;
      }
      if (result.status === 403) {
        saved.replaceChildren(el('span', {class: 'error'}, result.body.error));
        return;
      }
      saved.replaceChildren(el('span', {class: 'ok', id: 'saved'}, 'Saved version ' + result.body.version
        + '. The engine backfills every profile; sizes follow on the segments page.'));
      definition = result.body;
    } catch (error) {
      saved.replaceChildren(el('span', {class: 'error'}, error.message));
    }
  }

  async function remove() {
    if (!confirm('Delete ' + id + '? Its members receive EXITED.')) return;
    try {
      await PS.api('/api/v1/segments/' + encodeURIComponent(id), {method: 'DELETE'});
      location.href = '/console/segments';
    } catch (error) {
      saved.replaceChildren(el('span', {class: 'error'}, error.message));
    }
  }

  // The cluster-wide summary: the persona card beside live figures, and the holdout comparison.
  async function loadSummary() {
    try {
      const answer = await PS.api('/api/v1/segments/' + encodeURIComponent(id) + '/summary');
      const s = answer.body;
      const card = s.card;
      const counts = object => PS.table(['', 'members'], Object.entries(object || {}).sort((a, b) => b[1] - a[1])
        .map(([name, count]) => el('tr', {}, el('td', {}, name), el('td', {class: 'num'}, PS.num(count)))));
      // el() leaves out a missing card; replaceChildren would print it as "null".
      summary.replaceChildren(el('div', {},
        card ? el('div', {class: 'persona-card', id: 'persona-card'},
          card.imageUrl ? el('img', {src: card.imageUrl, alt: '', class: 'persona-image'}) : null,
          card.quote ? el('blockquote', {id: 'persona-quote'}, card.quote) : null,
          PS.fieldTable({goals: card.goals, frustrations: card.frustrations,
            preferredChannels: card.preferredChannels}, 'card')) : null,
        el('div', {class: 'stats'},
          PS.stat('members', PS.num(s.size), 'summary-size'),
          PS.stat('mean CLV', PS.money(s.clv && s.clv.mean), 'summary-clv-mean'),
          PS.stat('median CLV', PS.money(s.clv && s.clv.p50), 'summary-clv-p50'),
          PS.stat('CLV p90', PS.money(s.clv && s.clv.p90), 'summary-clv-p90'),
          PS.stat('mean churn risk', PS.pct(s.churnRisk && s.churnRisk.mean), 'summary-churn')),
        el('div', {class: 'row'},
          el('div', {id: 'summary-lifecycle'}, el('h3', {}, 'Lifecycle'), counts(s.lifecycle)),
          el('div', {id: 'summary-countries'}, el('h3', {}, 'Countries'), counts(s.countries)),
          el('div', {id: 'summary-categories'}, el('h3', {}, 'Top categories'),
            PS.table(['category', 'members', 'spend'], (s.topCategories || []).map(c => el('tr', {},
              el('td', {}, c.category), el('td', {class: 'num'}, PS.num(c.members)),
              el('td', {class: 'num'}, PS.money(c.spendMinor))))))),
        el('p', {class: 'muted'}, 'Over ' + (answer.headers.get('X-Instances-Answered') || 1) + ' instance(s); '
          + (s.trend || []).length + ' daily snapshot(s) on segment-snapshots. CLV in the base currency.')));
      holdout.replaceChildren(holdoutTable(s.holdout));
    } catch (error) {
      summary.replaceChildren();
      holdout.replaceChildren();
      PS.showError(summary, error);
    }
  }

  function holdoutTable(h) {
    if (!h || !h.percent) {
      return el('p', {class: 'muted'}, 'No holdout: set holdoutPercent (0–50) on the definition to measure the effect'
        + ' of acting on this segment.');
    }
    const group = g => g || {};
    const interval = d => !d ? '—' : PS.num(d.estimate) + ' (' + PS.num(d.low) + ' to ' + PS.num(d.high) + ')';
    const money = d => !d ? '—' : PS.money(d.estimate) + ' (' + PS.money(d.low) + ' to ' + PS.money(d.high) + ')';
    const treated = group(h.treated);
    const held = group(h.holdout);
    const difference = h.difference || {};
    return el('div', {},
      PS.table(['', 'treated', 'holdout'], [
        ['members', PS.num(treated.members), PS.num(held.members)],
        ['measured', PS.num(treated.measured), PS.num(held.measured)],
        ['orders per member', PS.num(treated.ordersPerMember), PS.num(held.ordersPerMember)],
        ['revenue per member', PS.money(treated.revenueMinorPerMember), PS.money(held.revenueMinorPerMember)],
        ['mean days since entry', PS.num(treated.meanDaysSinceEntry), PS.num(held.meanDaysSinceEntry)],
      ].map(([label, a, b]) => el('tr', {}, el('td', {}, label), el('td', {class: 'num'}, a), el('td', {class: 'num'}, b)))),
      el('p', {id: 'holdout-difference'}, 'Treated minus holdout, ' + PS.num((difference.confidence || 0.95) * 100)
        + ' % interval: orders per member ' + interval(difference.ordersPerMember) + '; revenue per member '
        + money(difference.revenueMinorPerMember) + '.'),
      el('p', {class: 'muted'}, h.percent + ' % of members are held out; an interval that excludes 0 says acting on'
        + ' the segment changed orders or revenue.'));
  }

  async function loadMembers(cursor, previous) {
    try {
      const page = (await PS.api('/api/v1/segments/' + encodeURIComponent(id) + '/members?limit=25&group='
        + memberGroup.value + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''))).body;
      members.replaceChildren(
        page.members.length ? el('div', {class: 'chips', id: 'members'}, page.members.map(PS.profileLink))
          : el('p', {class: 'muted', id: 'members'}, 'No members.'),
        el('div', {class: 'pager'},
          el('button', {type: 'button', class: 'secondary', disabled: !previous.length,
            onclick: () => loadMembers(previous[previous.length - 1], previous.slice(0, -1))}, '← Previous'),
          el('button', {type: 'button', class: 'secondary', id: 'members-next', disabled: !page.nextCursor,
            onclick: () => loadMembers(page.nextCursor, previous.concat([cursor]))}, 'Next →')));
    } catch (error) {
      members.replaceChildren();
      PS.showError(members, error);
    }
  }

  async function loadHistory() {
    try {
      const [changes, catalogue] = await Promise.all([
        PS.api('/api/v1/segments/' + encodeURIComponent(id) + '/history'), PS.api('/api/v1/segments')]);
      const current = (catalogue.body.segments.find(s => s.id === id) || {size: 0}).size;
      // Walk back from the size now: before each minute, the size was what it is after it minus its net entries.
      const buckets = changes.body.buckets;
      const times = [];
      const sizes = [];
      let size = current;
      const now = Date.now() / 1000;
      times.unshift(now);
      sizes.unshift(size);
      for (let i = buckets.length - 1; i >= 0; i--) {
        const start = Date.parse(buckets[i].start) / 1000;
        size -= buckets[i].entered - buckets[i].exited;
        times.unshift(start);
        sizes.unshift(Math.max(0, size));
      }
      const since = Date.parse(changes.body.since) / 1000;
      if (!times.length || times[0] > since) {
        times.unshift(Math.max(since, (times[0] || now) - 3600));
        sizes.unshift(sizes[0]);
      }
      PS.lineChart(history, times, sizes, 'members');
      historyNote.textContent = 'From the entries and exits published on segment-changes since '
        + PS.time(changes.body.since) + (changes.body.complete ? '' : ' (still reading)') + ', per minute.';
    } catch (error) {
      history.replaceChildren();
      PS.showError(history, error);
    }
  }

  async function loadDistributions() {
    try {
      const page = (await PS.api('/api/v1/segments/' + encodeURIComponent(id) + '/members?limit=200')).body;
      const ids = page.members;
      const churn = [];
      const clv = [];
      let next = 0;
      async function worker() {
        while (next < ids.length) {
          const memberId = ids[next++];
          const answer = await PS.api('/api/v1/profiles/' + encodeURIComponent(memberId), {accept: [404, 503]});
          if (answer.status === 200 && answer.body.scores) {
            if (answer.body.scores.churnRisk !== null && answer.body.scores.churnRisk !== undefined) {
              churn.push(answer.body.scores.churnRisk);
            }
            if (answer.body.scores.clv !== null && answer.body.scores.clv !== undefined) {
              clv.push(answer.body.scores.clv / 100);
            }
          }
        }
      }
      await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
      const churnBins = PS.bins(churn, 0, 1, 10);
      PS.histogram(churnChart, churnBins.starts, churnBins.counts, 'members', v => (v * 100).toFixed(0) + '%');
      const maxClv = Math.max(1, ...clv);
      const clvBins = PS.bins(clv, 0, maxClv, 12);
      PS.histogram(clvChart, clvBins.starts, clvBins.counts, 'members', v => PS.num(Math.round(v)));
      distributionNote.textContent = 'From ' + churn.length + ' profiles: the first ' + ids.length
        + ' members in id order' + (page.nextCursor ? ' (a sample)' : ' (every member)') + '. CLV in the base currency.';
    } catch (error) {
      distributionNote.textContent = '';
      PS.showError(clvChart, error);
    }
  }
});
