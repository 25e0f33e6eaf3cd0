// Overview: instances and their state, input lag, events per second, dead letters by reason, segment sizes.
'use strict';

PS.page('overview', /^\/console$/, async main => {
  const {el} = PS;
  const stats = el('div', {class: 'stats'},
    PS.stat('instances answering', '…', 'stat-instances'),
    PS.stat('events per second', '…', 'stat-rate'),
    PS.stat('input lag (records)', '…', 'stat-lag'),
    PS.stat('dead letters in the window', '…', 'stat-dlq'),
    PS.stat('segments and personas', '…', 'stat-segments'));
  const instances = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  const dlq = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  const segments = el('div', {}, el('p', {class: 'muted'}, 'Loading…'));
  main.append(el('h1', {}, 'Overview'), stats, el('div', {class: 'grid'},
    el('section', {class: 'card wide'}, el('h2', {}, 'Instances'), instances),
    PS.card('Dead letters by reason', dlq),
    el('section', {class: 'card wide'}, el('h2', {}, 'Segment and persona sizes'), segments)));

  const set = (id, value) => { document.getElementById(id).textContent = value; };

  async function refreshStatus() {
    try {
      const [status, described] = await Promise.all([PS.api('/api/v1/status'),
        PS.api('/api/v1/instances', {accept: [501]})]);
      const partitions = {};
      for (const instance of (described.body && described.body.instances) || []) {
        partitions[instance.host + ':' + instance.port] = instance;
      }
      const list = status.body.instances;
      const answering = list.filter(i => i.state !== 'NOT_ANSWERING');
      set('stat-instances', answering.length + ' of ' + list.length);
      set('stat-rate', PS.num(answering.reduce((sum, i) => sum + (i.eventsPerSecond || 0), 0)));
      set('stat-lag', PS.num(answering.reduce((sum, i) => sum + (i.inputLag || 0), 0)));
      instances.replaceChildren(PS.table(['instance', 'state', 'events/s', 'input lag', 'active partitions',
        'standby partitions'], list.map(i => {
        const meta = partitions[i.instance] || {};
        return el('tr', {dataset: {instance: i.instance}},
          el('td', {class: 'mono'}, i.instance),
          el('td', {}, el('span', {class: 'badge ' + i.state, title: i.error || ''}, i.state)),
          el('td', {class: 'num'}, PS.num(i.eventsPerSecond)),
          el('td', {class: 'num'}, PS.num(i.inputLag)),
          el('td', {class: 'num'}, meta.topicPartitions ? meta.topicPartitions.length : '—'),
          el('td', {class: 'num'}, meta.standbyTopicPartitions ? meta.standbyTopicPartitions.length : '—'));
      })));
    } catch (error) {
      instances.replaceChildren();
      PS.showError(instances, error);
    }
  }

  async function refreshDeadLetters() {
    try {
      const answer = (await PS.api('/api/v1/dlq?limit=1')).body;
      set('stat-dlq', PS.num(answer.total));
      const byReason = {};
      answer.counts.forEach(c => { byReason[c.reason] = (byReason[c.reason] || 0) + c.count; });
      const rows = Object.entries(byReason).sort((a, b) => b[1] - a[1])
        .map(([reason, count]) => el('tr', {dataset: {reason}}, el('td', {}, reason), el('td', {class: 'num'}, PS.num(count))));
      dlq.replaceChildren(rows.length ? PS.table(['reason', 'count'], rows)
        : el('p', {class: 'muted'}, 'No dead-lettered record since ' + PS.time(answer.since) + '.'),
      el('p', {}, el('a', {href: '/console/dlq'}, 'Details')));
    } catch (error) {
      dlq.replaceChildren();
      PS.showError(dlq, error);
    }
  }

  async function refreshSegments() {
    try {
      const list = (await PS.api('/api/v1/segments')).body.segments;
      set('stat-segments', PS.num(list.length));
      const max = Math.max(1, ...list.map(s => s.size));
      segments.replaceChildren(PS.table(['id', 'kind', 'size', '', 'backfill'], list
        .sort((a, b) => a.kind.localeCompare(b.kind) || b.size - a.size)
        .map(s => el('tr', {dataset: {segment: s.id}},
          el('td', {}, PS.segmentLink(s.id)),
          el('td', {}, s.kind),
          el('td', {class: 'num size'}, PS.num(s.size)),
          el('td', {style: 'width:40%'}, el('div', {style: 'height:8px;border-radius:4px;background:#93b4f5;width:'
            + Math.round(100 * s.size / max) + '%'})),
          el('td', {}, s.backfill.state === 'RUNNING'
            ? el('span', {class: 'badge warn'}, 'running ' + s.backfill.processed + '/' + s.backfill.total)
            : el('span', {class: 'muted'}, 'done'))))));
    } catch (error) {
      segments.replaceChildren();
      PS.showError(segments, error);
    }
  }

  PS.every(5000, () => { refreshStatus(); refreshDeadLetters(); refreshSegments(); });
});
