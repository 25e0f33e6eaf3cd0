// The console's core: the API key, calls to /api/v1, the page router, DOM and chart helpers.
// Every page reads the engine through its REST API only; nothing here reaches a store another way.
'use strict';

const PS = (() => {
  const KEY_STORAGE = 'profilestream.apiKey';
  const pages = [];
  let timers = [];
  let waitingForKey = null;

  /** Builds an element: el('td', {class: 'num'}, 'text', childNode). Text is always set as text, never as HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function key() {
    return sessionStorage.getItem(KEY_STORAGE);
  }

  function askForKey(message) {
    const dialog = document.getElementById('key-dialog');
    const error = document.getElementById('key-error');
    error.hidden = !message;
    error.textContent = message || '';
    document.getElementById('key-input').value = '';
    if (!dialog.open) dialog.showModal();
    if (!waitingForKey) {
      waitingForKey = new Promise(resolve => { dialog.addEventListener('close', resolve, {once: true}); })
        .then(() => { waitingForKey = null; });
    }
    return waitingForKey;
  }

  function setUpKeyDialog() {
    const dialog = document.getElementById('key-dialog');
    document.getElementById('key-form').addEventListener('submit', () => {
      sessionStorage.setItem(KEY_STORAGE, document.getElementById('key-input').value.trim());
    });
    document.getElementById('key-forget').addEventListener('click', () => {
      sessionStorage.removeItem(KEY_STORAGE);
      dialog.close();
    });
    document.getElementById('key-button').addEventListener('click', () => askForKey(null));
    dialog.addEventListener('close', () => { if (key()) render(); });
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  /**
   * Calls the API with the key; answers {status, body, headers}. A 401 asks for the key and rejects.
   * Statuses listed in options.accept (besides 2xx) resolve instead of rejecting.
   */
  async function api(path, options = {}) {
    const headers = {'Accept': 'application/json'};
    if (key()) headers['X-API-Key'] = key();
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = {error: text}; }
    if (response.status === 401) {
      askForKey(key() ? 'The engine did not accept this key.' : null);
      throw new ApiError(401, body);
    }
    const accepted = options.accept || [];
    if (!response.ok && !accepted.includes(response.status)) throw new ApiError(response.status, body);
    return {status: response.status, body, headers: response.headers};
  }

  /** Opens a server-sent event stream with the key (EventSource cannot send headers), calling onEvent(name, data). */
  async function stream(path, onEvent, signal) {
    const headers = {'Accept': 'text/event-stream'};
    if (key()) headers['X-API-Key'] = key();
    const response = await fetch(path, {headers, signal, cache: 'no-store'});
    if (response.status === 401) {
      askForKey(key() ? 'The engine did not accept this key.' : null);
      throw new ApiError(401, null);
    }
    if (!response.ok) throw new ApiError(response.status, null);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    onEvent('open', null);
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.substring(0, end);
        buffer = buffer.substring(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.substring(6).trim();
          else if (line.startsWith('data:')) data.push(line.substring(5).replace(/^ /, ''));
        }
        if (data.length) onEvent(name, data.join('\n'));
      }
    }
  }

  /** Registers a page: pattern is matched against the path, its groups are passed to render(main, ...groups). */
  function page(name, pattern, render) {
    pages.push({name, pattern, render});
  }

  /** Runs fn now and every ms while the page is shown. */
  function every(ms, fn) {
    fn();
    timers.push(setInterval(fn, ms));
  }

  function onLeave(fn) {
    timers.push({leave: fn});
  }

  function render() {
    for (const timer of timers) {
      if (timer && timer.leave) timer.leave(); else clearInterval(timer);
    }
    timers = [];
    const main = document.getElementById('main');
    main.replaceChildren();
    const path = location.pathname.replace(/\/+$/, '') || '/console';
    for (const candidate of pages) {
      const match = path.match(candidate.pattern);
      if (match) {
        document.querySelectorAll('[data-nav]').forEach(link =>
          link.classList.toggle('active', link.dataset.nav === candidate.name.split('/')[0]));
        const args = match.slice(1).map(decodeURIComponent);
        Promise.resolve(candidate.render(main, ...args)).catch(error => showError(main, error));
        return;
      }
    }
    main.append(el('h1', {}, 'No such page'), el('p', {}, el('a', {href: '/console/'}, 'Back to the overview')));
  }

  function showError(container, error) {
    if (error && error.status === 401) {
      container.append(el('p', {class: 'error'}, 'This page needs an API key.'));
      return;
    }
    container.append(el('p', {class: 'error'}, 'Could not load: ' + (error && error.message || error)));
  }

  function start() {
    setUpKeyDialog();
    render();
  }

  // Formatting.
  const numberFormat = new Intl.NumberFormat('en', {maximumFractionDigits: 2});
  function num(value) {
    return value === null || value === undefined || Number.isNaN(value) ? '—' : numberFormat.format(value);
  }
  function pct(value) {
    return value === null || value === undefined ? '—' : (value * 100).toFixed(1) + ' %';
  }
  function time(value) {
    if (!value) return '—';
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }
  function money(minor) {
    return minor === null || minor === undefined ? '—' : numberFormat.format(minor / 100);
  }
  // Amounts kept in minor units of the base currency: names ending in Minor, and the two money scores.
  const MINOR_UNITS = /(Minor$|^clv$|^expectedOrderValue$)/;
  function isTimestamp(name, value) {
    return typeof value === 'string' && /(At|Seen|Since|AsOf)$/.test(name) && /^\d{4}-\d\d-\d\dT/.test(value);
  }

  /** A table of every field of an object, nested objects as nested tables; unknown fields show as they come. */
  function fieldTable(object, prefix, labels) {
    const table = el('table', {class: 'fields'});
    for (const [name, value] of Object.entries(object || {})) {
      const path = prefix ? prefix + '.' + name : name;
      table.append(el('tr', {}, el('td', {}, (labels && labels[name]) || name),
        el('td', {dataset: {field: path}}, fieldValue(name, value, path))));
    }
    return table;
  }

  function fieldValue(name, value, path) {
    if (value === null || value === undefined) return el('span', {class: 'muted'}, '—');
    if (Array.isArray(value)) {
      if (!value.length) return el('span', {class: 'muted'}, 'none');
      if (value.every(item => typeof item !== 'object')) return value.join(', ');
      return el('div', {}, value.map((item, i) => fieldTable(item, path + '.' + i)));
    }
    if (typeof value === 'object') {
      if (!Object.keys(value).length) return el('span', {class: 'muted'}, 'none');
      return fieldTable(value, path);
    }
    if (isTimestamp(name, value)) return time(value);
    if (typeof value === 'number') return MINOR_UNITS.test(name) ? money(value) : num(value);
    return String(value);
  }

  function table(headers, rows, attrs) {
    return el('table', attrs || {},
      el('thead', {}, el('tr', {}, headers.map(h => el('th', {class: /^#|count|size|lag|rate|bytes/i.test(h) ? 'num' : null}, h)))),
      el('tbody', {}, rows));
  }

  function card(title, ...content) {
    return el('section', {class: 'card'}, el('h2', {}, title), ...content);
  }

  function stat(label, value, id) {
    return el('div', {class: 'stat'}, el('div', {class: 'value', id}, value), el('div', {class: 'label'}, label));
  }

  /** A uPlot line chart of [times in seconds], [values]; answers the chart. */
  function lineChart(container, times, values, label) {
    container.replaceChildren();
    const width = Math.max(300, container.clientWidth || 600);
    return new uPlot({
      width, height: 220,
      scales: {x: {time: true}},
      series: [{}, {label, stroke: '#1d4ed8', width: 2, fill: 'rgba(29,78,216,0.08)', paths: uPlot.paths.stepped({align: 1})}],
      axes: [{}, {size: 60}],
      legend: {show: true},
    }, [times, values], container);
  }

  /** A uPlot bar chart of a histogram: bin starts, counts. */
  function histogram(container, starts, counts, label, format) {
    container.replaceChildren();
    const width = Math.max(300, container.clientWidth || 400);
    return new uPlot({
      width, height: 200,
      scales: {x: {time: false}},
      series: [{value: (u, v) => format(v)}, {label, fill: 'rgba(29,78,216,0.5)', stroke: '#1d4ed8',
        paths: uPlot.paths.bars({size: [0.9, 100]}), points: {show: false}}],
      axes: [{values: (u, splits) => splits.map(format)}, {size: 50}],
    }, [starts, counts], container);
  }

  /** Splits values into bins equally wide between min and max; answers {starts, counts}. */
  function bins(values, min, max, count) {
    const width = (max - min) / count || 1;
    const starts = Array.from({length: count}, (_, i) => min + i * width);
    const counts = new Array(count).fill(0);
    for (const value of values) {
      counts[Math.min(count - 1, Math.max(0, Math.floor((value - min) / width)))]++;
    }
    return {starts, counts};
  }

  function segmentLink(id) {
    return el('a', {href: '/console/segments/' + encodeURIComponent(id), class: 'chip', dataset: {segment: id}}, id);
  }

  function profileLink(id) {
    return el('a', {href: '/console/profiles/' + encodeURIComponent(id), class: 'mono', dataset: {profile: id}}, id);
  }

  return {el, api, stream, page, every, onLeave, start, render, showError, key, num, pct, time, money, fieldTable,
    table, card, stat, lineChart, histogram, bins, segmentLink, profileLink, ApiError};
})();
