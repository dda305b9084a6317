/**
 * The web inbox at /__inspect: a single-page app that uses only the public /__inspect JSON API
 * (openapi/inspect.yaml) and its event stream. Every value from the API is set as text, never
 * as markup; stored HTML is shown only in a sandboxed frame served with a CSP of its own.
 */

type Json = Record<string, any>;
type Child = Node | string | number | null | undefined | false | Child[];
type Provider = 'twilio' | 'sendgrid' | 's3';

// ---------------------------------------------------------------------------------------------
// DOM and API helpers

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Json = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    else if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'value') (el as HTMLInputElement).value = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

const token = new URLSearchParams(location.search).get('token');

/** A same-origin path for an API URL (absolute URLs carry the server's public URL). */
function local(url: string): string {
  const u = new URL(url, location.origin);
  if (token && !u.searchParams.has('token')) u.searchParams.set('token', token);
  return u.pathname + u.search;
}

function q(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const out = s.toString();
  return out ? '?' + out : '';
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api<T = Json>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(local(path), {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    /* not JSON */
  }
  if (res.status === 401) {
    location.href = '/__inspect';
    throw new ApiError(401, 'sign in first');
  }
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

async function items<T = Json>(path: string, params: Record<string, string | number | undefined | null> = {}): Promise<T[]> {
  return (await api<{ items: T[] }>(path + q(params))).items;
}

function time(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  const d = new Date(typeof v === 'number' ? v * 1000 : v);
  if (Number.isNaN(d.getTime())) return String(v);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const OK = new Set(['delivered', 'completed', 'sent', 'approved', 'received', 'open', 'click', 'processed', 'read', 'succeeded', '200', 'answered']);
const BAD = new Set(['failed', 'undelivered', 'bounce', 'bounced', 'dropped', 'busy', 'no-answer', 'canceled', 'expired', 'blocked', 'spamreport', 'unsubscribe', 'deferred', 'max_attempts_reached', 'error']);

function badge(status: unknown, extra?: string): HTMLElement {
  const s = String(status ?? '');
  const cls = OK.has(s) || /^2\d\d$/.test(s) ? 'ok' : BAD.has(s) || /^[45]\d\d$/.test(s) ? 'bad' : '';
  return h('span', { class: `badge ${cls}`, 'data-status': s }, extra ? `${s} ${extra}` : s);
}

function kv(rows: [string, Child][]): HTMLElement {
  return h(
    'table',
    { class: 'kv' },
    h('tbody', {}, rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))),
  );
}

function pre(text: string, cls = ''): HTMLElement {
  return h('pre', { class: cls }, text);
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

function errorBox(e: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e));
}

function tabs(defs: [string, () => Child | Promise<Child>][], initial = 0): HTMLElement {
  const body = h('div', { class: 'tab-body' });
  const buttons = defs.map(([label], i) =>
    h('button', { type: 'button', role: 'tab', onclick: () => show(i) }, label),
  );
  const show = async (i: number) => {
    buttons.forEach((b, j) => b.classList.toggle('active', i === j));
    body.replaceChildren();
    try {
      append(body, [await defs[i][1]()]);
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  };
  void show(initial);
  return h('div', {}, h('div', { class: 'tabs', role: 'tablist' }, buttons), body);
}

// ---------------------------------------------------------------------------------------------
// App state: route, tenant per provider, live events

interface Route {
  view: string;
  parts: string[];
}

function route(): Route {
  const [view = 'emails', ...parts] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { view: view || 'emails', parts };
}

function link(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

interface View {
  label: string;
  /** Whose tenants the switcher offers (undefined: every provider's). */
  provider?: Provider;
  render(r: Route, main: HTMLElement): Promise<void>;
}

const TENANT_KEY = 'provider-sim.tenants';
const tenants: Record<string, string> = JSON.parse(localStorage.getItem(TENANT_KEY) ?? '{}');

function tenantFor(provider: Provider | undefined): string | undefined {
  return tenants[provider ?? 'all'] || undefined;
}

let allTenants: { provider: Provider; tenant: string; created: string }[] = [];

async function loadTenants(): Promise<void> {
  allTenants = await items('/__inspect/tenants');
  drawTenantSwitcher();
}

function drawTenantSwitcher(): void {
  const select = document.getElementById('tenant') as HTMLSelectElement;
  const view = VIEWS[route().view] ?? VIEWS.emails;
  const key = view.provider ?? 'all';
  const offered = allTenants.filter((t) => !view.provider || t.provider === view.provider);
  const current = tenants[key] ?? '';
  const groups = new Map<string, HTMLOptGroupElement>();
  const options: Node[] = [h('option', { value: '' }, view.provider ? `All ${view.provider} tenants` : 'All tenants')];
  for (const t of offered) {
    let g = groups.get(t.provider);
    if (!g) groups.set(t.provider, (g = h('optgroup', { label: t.provider })));
    g.appendChild(h('option', { value: t.tenant }, t.tenant));
  }
  options.push(...groups.values());
  if (current && !offered.some((t) => t.tenant === current)) options.push(h('option', { value: current }, `${current} (no records)`));
  select.replaceChildren(...options);
  select.value = current;
}

let current: { view: View; route: Route } | undefined;
let renderSeq = 0;

async function draw(): Promise<void> {
  const r = route();
  const view = VIEWS[r.view] ?? VIEWS.emails;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) a.classList.toggle('active', a.dataset.view === r.view);
  drawTenantSwitcher();
  const main = document.getElementById('main')!;
  const sameView = current?.view === view && current.route.parts.join('/') === r.parts.join('/');
  current = { view, route: r };
  const seq = ++renderSeq;
  // A refresh of the same screen keeps what the user typed: views re-render their data nodes only.
  if (!sameView) main.replaceChildren();
  try {
    await view.render(r, main);
  } catch (e) {
    if (seq === renderSeq) main.replaceChildren(h('div', { class: 'full' }, errorBox(e)));
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    void draw();
  }, 120);
}

function connectEvents(): void {
  const live = document.getElementById('live')!;
  // `event_names=0`: every event arrives as a plain message (its type is in the data).
  const es = new EventSource(local('/__inspect/events?event_names=0'));
  es.onopen = () => live.classList.add('on');
  es.onerror = () => live.classList.remove('on');
  es.onmessage = (ev: MessageEvent) => {
    live.classList.add('on');
    const e = JSON.parse(ev.data) as Json;
    if (!allTenants.some((t) => t.tenant === e.tenant)) void loadTenants();
    refreshSoon();
  };
}

// ---------------------------------------------------------------------------------------------
// Split layout: a list on the left, the selected item on the right (one column on a phone)

interface Split {
  root: HTMLElement;
  toolbar: HTMLElement;
  list: HTMLElement;
  detail: HTMLElement;
}

function split(main: HTMLElement, id: string, hasDetail: boolean): Split {
  let root = main.querySelector<HTMLElement>(`.split[data-id="${id}"]`);
  if (!root) {
    root = h(
      'div',
      { class: 'split', 'data-id': id },
      h('section', { class: 'pane list-pane' }, h('div', { class: 'toolbar' }), h('ul', { class: 'items' })),
      h('section', { class: 'pane detail-pane' }),
    );
    main.replaceChildren(root);
  }
  root.classList.toggle('has-detail', hasDetail);
  return {
    root,
    toolbar: root.querySelector('.toolbar')!,
    list: root.querySelector('.items')!,
    detail: root.querySelector('.detail-pane')!,
  };
}

function listItem(href: string, selected: boolean, title: Child, sub: Child, right: Child, attrs: Json = {}): HTMLElement {
  return h(
    'li',
    {},
    h(
      'a',
      { href, class: selected ? 'selected' : '', ...attrs },
      h('div', { class: 'row' }, h('span', { class: 'title' }, title), h('span', { class: 'time' }, right)),
      h('div', { class: 'sub' }, sub),
    ),
  );
}

function back(href: string): HTMLElement {
  return h('a', { class: 'back', href }, '← Back');
}

/** Replaces a container's content only when it changed, so scroll positions and frames survive refreshes. */
function put(container: HTMLElement, key: string, build: () => Child): void {
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  const frag = document.createDocumentFragment();
  append(frag, [build()]);
  container.replaceChildren(frag);
}

// ---------------------------------------------------------------------------------------------
// Emails (SendGrid)

async function renderEmails(r: Route, main: HTMLElement): Promise<void> {
  const [selected] = r.parts;
  const s = split(main, 'emails', !!selected);
  const tenant = tenantFor('sendgrid');
  if (!s.toolbar.firstChild) {
    const search = h('input', { type: 'search', placeholder: 'Search to, from, subject', 'aria-label': 'Search emails', name: 'q' });
    const category = h('input', { type: 'search', placeholder: 'Category', 'aria-label': 'Category', name: 'category', size: 10 });
    const since = h('input', { type: 'date', name: 'since', 'aria-label': 'Sent on or after', title: 'Sent on or after' });
    search.addEventListener('input', refreshSoon);
    category.addEventListener('input', refreshSoon);
    since.addEventListener('change', refreshSoon);
    s.toolbar.append(search, category, since);
  }
  const text = (s.toolbar.querySelector('input[name=q]') as HTMLInputElement).value.trim();
  const category = (s.toolbar.querySelector('input[name=category]') as HTMLInputElement).value.trim();
  const day = (s.toolbar.querySelector('input[name=since]') as HTMLInputElement).value;
  // `since` is an ISO time: the start of the chosen day, in the browser's time zone.
  const since = day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
  const list = await items('/__inspect/sendgrid/messages', { tenant, q: text, category, since, limit: 200 });
  put(s.list, JSON.stringify([list.map((m) => [m.msg_id, m.status]), selected]), () =>
    list.length === 0
      ? h('li', { class: 'empty' }, 'No emails yet. Send one through the SendGrid API.')
      : list.map((m) =>
          listItem(
            link('emails', m.msg_id),
            m.msg_id === selected,
            m.subject || '(no subject)',
            [`To ${m.recipient} · from ${m.from?.email ?? ''}`, m.categories?.length ? ` · ${m.categories.join(', ')}` : ''],
            [time(m.created), ' ', badge(m.status)],
            { 'data-msg-id': m.msg_id },
          ),
        ),
  );
  if (!selected) {
    put(s.detail, 'none', () => h('p', { class: 'empty' }, 'Select an email to read it.'));
    return;
  }
  const [m] = await items('/__inspect/sendgrid/messages', { msg_id: selected, limit: 1 });
  if (!m) {
    put(s.detail, 'missing', () => [back(link('emails')), h('p', { class: 'empty' }, `No email ${selected}.`)]);
    return;
  }
  const hooks = (await items('/__inspect/webhooks', { provider: 'sendgrid', tenant: m.tenant, limit: 500 })).filter((w) =>
    String(w.body ?? '').includes(m.msg_id),
  );
  const base = `/__inspect/sendgrid/messages/${encodeURIComponent(m.msg_id)}`;
  // The body (frames, tabs) is built once per message; the status, events and deliveries follow live.
  if (s.detail.dataset.key !== m.msg_id) {
    s.detail.dataset.key = m.msg_id;
    fill(s.detail, 
      back(link('emails')),
      h('h2', {}, m.subject || '(no subject)'),
      h('div', { class: 'meta' }, `${time(m.created)} · `, h('span', { class: 'status-slot' })),
      kv([
        ['From', m.from?.name ? `${m.from.name} <${m.from.email}>` : m.from?.email],
        ['To', m.recipient],
        ['Cc', (m.cc ?? []).map((a: Json) => a.email).join(', ')],
        ['Bcc', (m.bcc ?? []).map((a: Json) => a.email).join(', ')],
        ['Reply-To', m.reply_to?.email],
        ['Categories', (m.categories ?? []).join(', ')],
        ['Template', m.template_id],
        ['Batch', m.batch_id],
        ['Send at', m.send_at ? time(m.send_at) : ''],
        ['Message ID', h('code', {}, m.msg_id)],
      ]),
      tabs(
        [
          ['HTML', () => (m.html ? h('iframe', { class: 'mail', sandbox: '', title: 'Email HTML', src: local(`${base}/html`), referrerpolicy: 'no-referrer' }) : h('p', { class: 'note' }, 'This email has no HTML part.'))],
          ['Text', () => (m.text ? pre(m.text) : h('p', { class: 'note' }, 'This email has no text part.'))],
          ['Headers', () => pre(json({ headers: m.headers, custom_args: m.custom_args, asm: m.asm, dynamic_template_data: m.dynamic_template_data }))],
          ['Raw', async () => pre(await (await fetch(local(`${base}/raw`))).text())],
        ],
        m.html ? 0 : 1,
      ),
      m.attachments?.length
        ? [
            h('h3', {}, `Attachments (${m.attachments.length})`),
            h(
              'div',
              { class: 'attachments' },
              m.attachments.map((a: Json) => {
                const url = local(a.url);
                const inline = local(a.url + '?inline=1');
                return h(
                  'div',
                  { class: 'attachment' },
                  /^image\//.test(a.type) ? h('img', { src: inline, alt: a.filename }) : null,
                  /^application\/pdf/.test(a.type) ? h('iframe', { class: 'preview', src: inline, title: a.filename }) : null,
                  h('div', {}, h('a', { href: url, download: a.filename }, a.filename)),
                  h('div', { class: 'meta' }, `${a.type} · ${bytes(a.size)}`),
                );
              }),
            ),
          ]
        : null,
      h('h3', {}, 'Events'),
      h('div', { class: 'events-slot' }),
      h('h3', {}, 'Webhook deliveries'),
      h('div', { class: 'hooks-slot' }),
    );
  }
  s.detail.querySelector('.status-slot')!.replaceChildren(badge(m.status));
  put(s.detail.querySelector<HTMLElement>('.events-slot')!, JSON.stringify(m.events.map((e: Json) => e.sg_event_id)), () =>
    m.events.length
      ? h(
          'ol',
          { class: 'timeline' },
          m.events.map((e: Json) =>
            h('li', { 'data-event': e.event }, badge(e.event), ' ', time(e.time ?? e.timestamp), ' ', h('span', { class: 'meta' }, e.reason ?? e.response ?? e.url ?? '')),
          ),
        )
      : h('p', { class: 'note' }, m.next_event_at ? `Next event at ${time(m.next_event_at)}` : 'No events yet.'),
  );
  put(s.detail.querySelector<HTMLElement>('.hooks-slot')!, JSON.stringify(hooks.map((w) => [w.id, w.status, w.attempt_count])), () =>
    hooks.length
      ? h('ul', {}, hooks.map((w) => h('li', {}, h('a', { href: link('webhooks', String(w.id)) }, `#${w.id} ${w.kind}`), ' ', badge(w.status), ` ${w.attempt_count} attempt(s) → ${w.url}`)))
      : h('p', { class: 'note' }, 'No Event Webhook delivery mentions this email (set one up with /v3/user/webhooks/event/settings).'),
  );
}

// ---------------------------------------------------------------------------------------------
// SMS (Twilio Messaging and Verify)

function fmtNumber(n: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(n);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : n;
}

async function renderSms(r: Route, main: HTMLElement): Promise<void> {
  const [ours, theirs] = r.parts;
  const s = split(main, 'sms', !!theirs);
  const tenant = tenantFor('twilio');
  if (!s.toolbar.firstChild) {
    s.toolbar.append(h('span', { class: 'note' }, 'Conversations by number pair, newest first'));
  }
  const [messages, verifications] = await Promise.all([
    items('/__inspect/twilio/messages', { tenant, limit: 1000 }),
    items('/__inspect/twilio/verifications', { tenant, limit: 500 }),
  ]);
  const threads = new Map<string, { ours: string; theirs: string; account: string; messages: Json[] }>();
  for (const m of messages) {
    const outbound = String(m.direction).startsWith('outbound');
    const a = outbound ? m.from : m.to;
    const b = outbound ? m.to : m.from;
    const key = `${a}\n${b}`;
    let t = threads.get(key);
    if (!t) threads.set(key, (t = { ours: a, theirs: b, account: m.account_sid, messages: [] }));
    t.messages.push(m);
  }
  const list = [...threads.values()];
  put(s.list, JSON.stringify([list.map((t) => [t.ours, t.theirs, t.messages[0].sid, t.messages[0].status]), ours, theirs]), () =>
    list.length === 0
      ? h('li', { class: 'empty' }, 'No SMS yet. Send one through the Twilio API.')
      : list.map((t) =>
          listItem(
            link('sms', t.ours, t.theirs),
            t.ours === ours && t.theirs === theirs,
            fmtNumber(t.theirs),
            [`${t.messages[0].body}`],
            [time(t.messages[0].date_created), ' ', badge(t.messages[0].status)],
            { 'data-thread': `${t.ours} ${t.theirs}` },
          ),
        ),
  );
  if (!theirs) {
    put(s.detail, 'none', () => h('p', { class: 'empty' }, 'Select a conversation.'));
    return;
  }
  const thread = threads.get(`${ours}\n${theirs}`);
  const codes = verifications.filter((v) => v.to === theirs);
  if (s.detail.dataset.key !== `${ours} ${theirs}`) {
    s.detail.dataset.key = `${ours} ${theirs}`;
    const body = h('textarea', { name: 'body', rows: 2, placeholder: `Reply as ${fmtNumber(theirs)}…`, 'aria-label': 'Reply text' });
    const status = h('span', { class: 'note composer-status' });
    const send = h('button', { type: 'submit' }, 'Send reply');
    const form = h('form', { class: 'composer', 'aria-label': 'Simulate an inbound SMS' }, body, send);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      send.disabled = true;
      status.textContent = '';
      try {
        await api(`/__inspect/twilio/inbound${q({ tenant: thread?.account ?? tenant })}`, { method: 'POST', body: { from: theirs, to: ours, body: body.value } });
        body.value = '';
        status.textContent = 'Delivered to the app.';
      } catch (e) {
        status.textContent = e instanceof Error ? e.message : String(e);
        status.className = 'note composer-status error';
      } finally {
        send.disabled = false;
      }
    });
    fill(s.detail, 
      back(link('sms')),
      h('h2', {}, fmtNumber(theirs)),
      h('div', { class: 'meta' }, `${theirs} ↔ ${ours}`),
      h('div', { class: 'thread' }),
      form,
      status,
    );
  }
  // Dates have one-second resolution: the API's order (newest first) breaks ties.
  const entries: { at: number; order: number; node: () => HTMLElement }[] = [];
  const count = thread?.messages.length ?? 0;
  for (const [i, m] of (thread?.messages ?? []).entries()) {
    const outbound = String(m.direction).startsWith('outbound');
    entries.push({
      at: Date.parse(m.date_created),
      order: count - i,
      node: () =>
        h(
          'div',
          { class: `bubble ${outbound ? 'out' : 'in'}`, 'data-sid': m.sid },
          h('div', {}, m.body),
          (m.media_urls ?? []).map((u: string) => h('div', {}, h('a', { href: u, target: '_blank', rel: 'noreferrer' }, 'media'))),
          h('div', { class: 'meta' }, time(m.date_created), badge(m.status), m.error_code ? h('span', {}, `error ${m.error_code}`) : null),
        ),
    });
  }
  for (const v of codes) {
    entries.push({
      at: Date.parse(v.date_created),
      order: 0,
      node: () =>
        h('div', { class: 'verify', 'data-verification': v.sid }, 'Verify code ', h('code', {}, v.code), ' ', badge(v.status), ` · ${v.channel} · ${v.service_sid}`),
    });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  const threadEl = s.detail.querySelector<HTMLElement>('.thread')!;
  put(threadEl, JSON.stringify([(thread?.messages ?? []).map((m) => [m.sid, m.status]), codes.map((v) => [v.sid, v.status])]), () =>
    entries.length ? entries.map((e) => e.node()) : h('p', { class: 'empty' }, 'No messages in this conversation.'),
  );
}

// ---------------------------------------------------------------------------------------------
// Calls (Twilio Voice)

async function renderCalls(r: Route, main: HTMLElement): Promise<void> {
  const [selected] = r.parts;
  const s = split(main, 'calls', !!selected);
  const tenant = tenantFor('twilio');
  if (!s.toolbar.firstChild) {
    const from = h('input', { name: 'from', placeholder: 'Caller +1415…', 'aria-label': 'Caller number', size: 14 });
    const to = h('select', { name: 'to', 'aria-label': 'Number called' });
    const place = h('button', { type: 'submit' }, 'Place inbound call');
    const out = h('span', { class: 'note' });
    const form = h('form', { class: 'form', 'aria-label': 'Place an inbound call' }, from, to, place, out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      place.disabled = true;
      out.textContent = '';
      try {
        const call = await api(`/__inspect/twilio/calls/inbound${q({ tenant: tenantFor('twilio') })}`, { method: 'POST', body: { from: from.value, to: to.value } });
        location.hash = link('calls', call.sid);
      } catch (e) {
        out.textContent = e instanceof Error ? e.message : String(e);
        out.className = 'note error';
      } finally {
        place.disabled = false;
      }
    });
    s.toolbar.append(form);
  }
  const [calls, numbers] = await Promise.all([items('/__inspect/twilio/calls', { tenant, limit: 200 }), items('/__inspect/twilio/numbers', { tenant, limit: 200 })]);
  const toSelect = s.toolbar.querySelector<HTMLSelectElement>('select[name=to]')!;
  const offered = numbers.map((n) => n.phone_number as string);
  if (toSelect.dataset.key !== offered.join(',')) {
    const keep = toSelect.value;
    toSelect.dataset.key = offered.join(',');
    toSelect.replaceChildren(...(offered.length ? offered.map((n) => h('option', { value: n }, n)) : [h('option', { value: '' }, 'no numbers')]));
    if (offered.includes(keep)) toSelect.value = keep;
  }
  put(s.list, JSON.stringify([calls.map((c) => [c.sid, c.status]), selected]), () =>
    calls.length === 0
      ? h('li', { class: 'empty' }, 'No calls yet.')
      : calls.map((c) =>
          listItem(
            link('calls', c.sid),
            c.sid === selected,
            `${fmtNumber(c.from)} → ${fmtNumber(c.to)}`,
            `${c.direction}${c.duration ? ` · ${c.duration}s` : ''}`,
            [time(c.date_created), ' ', badge(c.status)],
            { 'data-sid': c.sid },
          ),
        ),
  );
  if (!selected) {
    put(s.detail, 'none', () => h('p', { class: 'empty' }, 'Select a call.'));
    return;
  }
  const c = calls.find((x) => x.sid === selected) ?? (await items('/__inspect/twilio/calls', { limit: 1000 })).find((x) => x.sid === selected);
  if (!c) {
    put(s.detail, 'missing', () => [back(link('calls')), h('p', { class: 'empty' }, `No call ${selected}.`)]);
    return;
  }
  const key = JSON.stringify([c.sid, c.status, c.timeline.length, c.recordings.map((x: Json) => [x.sid, x.transcriptions.length]), c.waiting_for]);
  if (s.detail.dataset.key === key) return;
  // Keep digits being typed across a live refresh.
  const typed = s.detail.querySelector<HTMLInputElement>('input[name=digits]')?.value ?? '';
  s.detail.dataset.key = key;
  const actions: HTMLElement[] = [];
  if (c.waiting_for === 'gather') {
    const digits = h('input', { name: 'digits', placeholder: 'Digits', 'aria-label': 'Digits to press', size: 6, value: typed });
    const form = h('form', { class: 'form', 'aria-label': 'Caller input' }, digits, h('button', { type: 'submit' }, 'Press'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await api(`/__inspect/twilio/calls/${c.sid}/gather${q({ tenant: c.account_sid })}`, { method: 'POST', body: { digits: digits.value } }).catch((e) => form.append(errorBox(e)));
    });
    actions.push(form);
  }
  if (!['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status)) {
    actions.push(
      h('button', { type: 'button', class: 'secondary', onclick: () => api(`/__inspect/twilio/calls/${c.sid}/advance${q({ tenant: c.account_sid })}`, { method: 'POST', body: {} }).catch(() => undefined) }, 'Advance'),
    );
  }
  fill(s.detail, 
    back(link('calls')),
    h('h2', {}, `${fmtNumber(c.from)} → ${fmtNumber(c.to)}`),
    h('div', { class: 'meta' }, `${c.direction} · ${time(c.date_created)} · `, badge(c.status)),
    actions.length ? h('div', { class: 'form' }, actions) : null,
    kv([
      ['Call SID', h('code', {}, c.sid)],
      ['Duration', c.duration ? `${c.duration} s` : ''],
      ['Answered by', c.answered_by],
      ['Error', c.error_code ? `${c.error_code} ${c.error_message ?? ''}` : ''],
      ['Waiting for', c.waiting_for],
    ]),
    h('h3', {}, 'Recordings'),
    c.recordings.length
      ? c.recordings.map((rec: Json) =>
          h(
            'div',
            { class: 'attempt', 'data-recording': rec.sid },
            h('div', { class: 'meta' }, `${rec.sid} · ${rec.duration} s`),
            h('audio', { controls: true, preload: 'none', src: local(rec.media_urls.mp3) }),
            h('div', {}, h('a', { href: local(rec.media_urls.wav), download: `${rec.sid}.wav` }, 'Download WAV')),
            rec.transcriptions.map((t: Json) => h('blockquote', { class: 'transcript' }, t.transcription_text ?? '')),
          ),
        )
      : h('p', { class: 'note' }, 'No recordings.'),
    h('h3', {}, 'Timeline'),
    h(
      'ol',
      { class: 'timeline' },
      c.timeline.map((t: Json) => h('li', {}, t.status ? badge(t.status) : h('span', {}, t.event), ' ', h('span', { class: 'meta' }, time(t.time)))),
    ),
    h('h3', {}, 'TwiML from the app'),
    c.twiml.length
      ? c.twiml.map((d: Json) => h('div', {}, h('div', { class: 'meta' }, `${d.method} ${d.url} · ${time(d.time)}`), pre(d.twiml ?? d.error ?? '')))
      : h('p', { class: 'note' }, 'No TwiML fetched yet.'),
  );
}

// ---------------------------------------------------------------------------------------------
// Files (S3)

function previewable(type: string): 'image' | 'pdf' | 'text' | null {
  if (/^image\/(png|jpe?g|gif|webp|svg\+xml|avif|bmp)/i.test(type)) return 'image';
  if (/^application\/pdf/i.test(type)) return 'pdf';
  if (/^text\/|^application\/(json|xml|x-yaml|yaml|javascript)|\+json$|\+xml$/i.test(type)) return 'text';
  return null;
}

async function renderFiles(r: Route, main: HTMLElement): Promise<void> {
  const [bucket, prefix = '', objectId] = r.parts;
  const tenant = tenantFor('s3');
  if (!bucket) {
    const buckets = await items('/__inspect/s3/buckets', { tenant, limit: 1000 });
    let root = main.querySelector<HTMLElement>('.full[data-id=buckets]');
    if (!root) main.replaceChildren((root = h('div', { class: 'full', 'data-id': 'buckets' })));
    put(root, JSON.stringify(buckets.map((b) => [b.id, b.objects, b.bytes])), () => [
      h('h2', {}, 'Buckets'),
      buckets.length
        ? h(
            'table',
            { class: 'grid' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Bucket'), h('th', {}, 'Objects'), h('th', {}, 'Size'), h('th', { class: 'hide-narrow' }, 'Tenant'), h('th', { class: 'hide-narrow' }, 'Created'))),
            h(
              'tbody',
              {},
              buckets.map((b) =>
                h(
                  'tr',
                  { 'data-bucket': b.name },
                  h('td', {}, h('a', { class: 'folder', href: link('files', b.name, '') }, b.name)),
                  h('td', {}, b.objects),
                  h('td', {}, bytes(b.bytes)),
                  h('td', { class: 'hide-narrow' }, h('code', {}, b.tenant)),
                  h('td', { class: 'hide-narrow' }, time(b.created)),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'No buckets yet. Create one through the S3 API.'),
    ]);
    return;
  }
  const s = split(main, `files:${bucket}:${prefix}`, !!objectId);
  const objects = await items('/__inspect/s3/objects', { tenant, bucket, prefix, limit: 1000 });
  const folders = new Map<string, number>();
  const files: Json[] = [];
  for (const o of objects) {
    const rest = (o.key as string).slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash >= 0) folders.set(rest.slice(0, slash + 1), (folders.get(rest.slice(0, slash + 1)) ?? 0) + 1);
    else files.push(o);
  }
  files.sort((a, b) => (a.key < b.key ? -1 : 1));
  const crumbs: Child[] = [h('a', { href: link('files') }, 'Buckets'), ' / ', h('a', { href: link('files', bucket, '') }, bucket)];
  let acc = '';
  for (const seg of prefix.split('/').filter(Boolean)) {
    acc += seg + '/';
    crumbs.push(' / ', h('a', { href: link('files', bucket, acc) }, seg));
  }
  put(s.toolbar, JSON.stringify([bucket, prefix]), () => h('div', { class: 'crumbs' }, crumbs));
  put(s.list, JSON.stringify([objects.map((o) => [o.id, o.etag]), objectId]), () => [
    prefix ? listItem(link('files', bucket, prefix.replace(/[^/]*\/$/, '')), false, h('span', { class: 'folder' }, '..'), 'Up one level', '') : null,
    [...folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([f, n]) => listItem(link('files', bucket, prefix + f), false, h('span', { class: 'folder' }, f), `${n} object(s)`, '', { 'data-folder': f })),
    files.map((o) =>
      listItem(link('files', bucket, prefix, o.id), o.id === objectId, h('span', { class: 'file' }, (o.key as string).slice(prefix.length)), `${o.content_type} · ${bytes(o.size)}`, time(o.last_modified), {
        'data-key': o.key,
      }),
    ),
    objects.length === 0 ? h('li', { class: 'empty' }, 'Nothing under this prefix.') : null,
  ]);
  if (!objectId) {
    put(s.detail, 'none', () => h('p', { class: 'empty' }, 'Select a file to see its metadata and a preview.'));
    return;
  }
  const o = objects.find((x) => x.id === objectId);
  if (!o) {
    put(s.detail, 'missing', () => [back(link('files', bucket, prefix)), h('p', { class: 'empty' }, 'This object is gone (deleted or overwritten).')]);
    return;
  }
  put(s.detail, `${o.id}:${o.etag}`, () => {
    const kind = previewable(o.content_type);
    const inline = local(o.download_url + '?inline=1');
    let preview: Child = h('p', { class: 'note' }, 'No preview for this content type.');
    if (kind === 'image') preview = h('img', { class: 'preview', src: inline, alt: o.key });
    else if (kind === 'pdf') preview = h('iframe', { class: 'preview', src: inline, title: o.key });
    else if (kind === 'text') {
      const box = pre('Loading…', 'text-preview');
      void fetch(inline)
        .then((res) => res.text())
        .then((t) => {
          let shown = t.length > 200_000 ? t.slice(0, 200_000) + '\n…' : t;
          if (/json/i.test(o.content_type)) {
            try {
              shown = json(JSON.parse(t));
            } catch {
              /* show as stored */
            }
          }
          box.textContent = shown;
        });
      preview = box;
    }
    return [
      back(link('files', bucket, prefix)),
      h('h2', {}, o.key),
      h('div', { class: 'meta' }, `${bucket} · ${bytes(o.size)} · ${time(o.last_modified)}`),
      h('p', {}, h('a', { href: local(o.download_url), download: (o.key as string).split('/').pop() || 'object' }, 'Download')),
      kv([
        ['Content-Type', o.content_type],
        ['Size', `${o.size} bytes`],
        ['ETag', h('code', {}, o.etag)],
        ['Storage class', o.storage_class],
        ['Last modified', o.last_modified],
        ['Checksums', Object.entries(o.checksums ?? {}).map(([k, v]) => h('div', {}, `${k}: `, h('code', {}, String(v))))],
        ['Metadata', Object.keys(o.metadata ?? {}).length ? Object.entries(o.metadata).map(([k, v]) => h('div', {}, `${k}: ${v}`)) : ''],
        ['Tags', Object.keys(o.tags ?? {}).length ? Object.entries(o.tags).map(([k, v]) => h('div', {}, `${k}=${v}`)) : ''],
      ]),
      h('h3', {}, 'Preview'),
      preview,
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Webhooks and the request journal

async function renderWebhooks(r: Route, main: HTMLElement): Promise<void> {
  const [selected] = r.parts;
  const s = split(main, 'webhooks', !!selected);
  const tenant = tenantFor(undefined);
  if (!s.toolbar.firstChild) {
    const status = h(
      'select',
      { name: 'status', 'aria-label': 'Delivery status', onchange: refreshSoon },
      ['', 'pending', 'delivered', 'failed'].map((v) => h('option', { value: v }, v || 'Any status')),
    );
    s.toolbar.append(status);
  }
  const status = s.toolbar.querySelector<HTMLSelectElement>('select[name=status]')!.value;
  const list = await items('/__inspect/webhooks', { tenant, status, limit: 200 });
  put(s.list, JSON.stringify([list.map((w) => [w.id, w.status, w.attempt_count]), selected]), () =>
    list.length === 0
      ? h('li', { class: 'empty' }, 'No webhook deliveries yet.')
      : list.map((w) =>
          listItem(link('webhooks', String(w.id)), String(w.id) === selected, `${w.provider} ${w.kind}`, w.url, [time(w.created), ' ', badge(w.status)], { 'data-id': w.id }),
        ),
  );
  if (!selected) {
    put(s.detail, 'none', () => h('p', { class: 'empty' }, 'Select a delivery to see every attempt.'));
    return;
  }
  const w = list.find((x) => String(x.id) === selected) ?? (await items('/__inspect/webhooks', { limit: 1000 })).find((x) => String(x.id) === selected);
  if (!w) {
    put(s.detail, 'missing', () => [back(link('webhooks')), h('p', { class: 'empty' }, `No delivery ${selected}.`)]);
    return;
  }
  put(s.detail, JSON.stringify([w.id, w.status, w.attempt_count]), () => {
    const out = h('span', { class: 'note' });
    return [
      back(link('webhooks')),
      h('h2', {}, `${w.provider} ${w.kind}`),
      h('div', { class: 'meta' }, `${w.method} ${w.url} · `, badge(w.status), ` · ${w.attempt_count} attempt(s)`),
      h(
        'div',
        { class: 'form' },
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await api(`/__inspect/webhooks/${w.id}/retry`, { method: 'POST' });
                out.textContent = 'Retry queued.';
              } catch (e) {
                out.textContent = e instanceof Error ? e.message : String(e);
              }
            },
          },
          'Retry',
        ),
        out,
      ),
      kv([
        ['Resource', h('code', {}, w.resource)],
        ['Tenant', h('code', {}, w.tenant)],
        ['Next attempt', w.next_attempt ? time(w.next_attempt) : ''],
      ]),
      h('h3', {}, 'Payload'),
      pre(w.body),
      h('h3', {}, 'Attempts'),
      (w.attempts ?? []).length
        ? w.attempts.map((a: Json, i: number) =>
            h(
              'div',
              { class: 'attempt' },
              h('div', {}, h('strong', {}, `#${i + 1}`), ' ', a.status ? badge(String(a.status)) : badge('error'), ` ${time(a.time)} · ${a.latency_ms?.toFixed?.(1) ?? a.latency_ms} ms`),
              a.error ? h('p', { class: 'error' }, a.error) : null,
              h('div', { class: 'meta' }, 'Request headers (signature included)'),
              pre(json(a.request_headers)),
              h('div', { class: 'meta' }, 'Response'),
              pre(`${json(a.response_headers ?? {})}\n\n${a.response_body ?? ''}`),
            ),
          )
        : h('p', { class: 'note' }, 'Not attempted yet.'),
    ];
  });
}

async function renderRequests(_r: Route, main: HTMLElement): Promise<void> {
  let root = main.querySelector<HTMLElement>('.full[data-id=requests]');
  if (!root) {
    const only = h('input', { type: 'checkbox', name: 'unmatched', onchange: refreshSoon });
    main.replaceChildren(
      (root = h(
        'div',
        { class: 'full', 'data-id': 'requests' },
        h('div', { class: 'form' }, h('h2', {}, 'Requests'), h('label', {}, only, ' Only what the simulator does not implement')),
        h('p', { class: 'note' }, 'Every vendor request, newest first. Highlighted rows matched no operation: the app called something the simulator does not implement.'),
        h('div', { class: 'requests-slot' }),
      )),
    );
  }
  const unmatched = root.querySelector<HTMLInputElement>('input[name=unmatched]')!.checked;
  const list = await items('/__inspect/requests', { tenant: tenantFor(undefined), unmatched: unmatched ? 'true' : undefined, limit: 300 });
  put(root.querySelector<HTMLElement>('.requests-slot')!, JSON.stringify(list.map((x) => x.id)), () =>
    list.length
      ? h(
          'table',
          { class: 'grid' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Request and operation'), h('th', {}, 'Status'), h('th', { class: 'hide-narrow' }, 'Tenant'), h('th', { class: 'hide-narrow' }, 'ms')),
          ),
          h(
            'tbody',
            {},
            list.map((x) =>
              h(
                'tr',
                { class: x.unmatched ? 'unmatched' : '', 'data-id': x.id },
                h('td', {}, time(x.time)),
                h(
                  'td',
                  {},
                  h('code', {}, `${x.method} ${x.path}${x.query ? '?' + x.query : ''}`),
                  h(
                    'div',
                    { class: 'meta' },
                    x.unmatched ? h('strong', {}, 'not implemented') : (x.operation ?? ''),
                    x.fault ? [' ', h('span', { class: 'badge bad', 'data-fault': x.fault.rule }, `fault ${x.fault.rule} (${x.fault.action})`)] : null,
                  ),
                ),
                h('td', {}, x.status === 0 ? badge('reset') : badge(String(x.status))),
                h('td', { class: 'hide-narrow' }, h('code', {}, x.tenant ?? '')),
                h('td', { class: 'hide-narrow' }, Number(x.duration_ms).toFixed(1)),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No requests yet.'),
  );
}


// ---------------------------------------------------------------------------------------------
// Faults: rules that make vendor requests fail on purpose

const OPERATIONS: Record<Provider, string[]> = {
  twilio: ['CreateMessage', 'FetchMessage', 'ListMessage', 'CreateCall', 'CreateVerification', 'CreateVerificationCheck', 'FetchPhoneNumber'],
  sendgrid: ['SendMail', 'CreateMailBatch', 'ListTemplates'],
  s3: ['PutObject', 'GetObject', 'HeadObject', 'DeleteObject', 'ListObjectsV2', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'],
};
const MATCH_FIELDS: Record<Provider, string[]> = { twilio: ['to', 'from'], sendgrid: ['to', 'from'], s3: ['bucket', 'key'] };

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'meta' }, label), input);
}

/** Moves one tenant's simulated time (scheduled sends, lifecycles, presigned-URL expiry). */
function timeForm(): HTMLElement {
  const tenant = h('input', { name: 'clock_tenant', placeholder: 'AC..., sg_..., or an access key', 'aria-label': 'Tenant to move', size: 36 });
  const amount = h('input', { name: 'clock_seconds', type: 'number', min: 0, value: 3600, 'aria-label': 'Seconds', size: 8 });
  const out = h('span', { class: 'note clock-status' });
  const show = (c: Json) => (out.textContent = `${c.tenant}: ${new Date(c.now).toLocaleString()} (${Math.round(c.offset_ms / 1000)} s ahead of the wall clock)`);
  const form = h(
    'form',
    { class: 'form panel', 'aria-label': 'Advance a tenant clock' },
    field('Tenant', tenant),
    field('Seconds', amount),
    h('button', { type: 'submit' }, 'Advance time'),
    out,
  );
  const fallback = tenantFor('twilio') ?? tenantFor('sendgrid') ?? tenantFor('s3') ?? '';
  tenant.value = fallback;
  if (fallback) void api(`/__inspect/clock${q({ tenant: fallback })}`).then(show, () => undefined);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.className = 'note clock-status';
    try {
      show(await api(`/__inspect/clock/advance${q({ tenant: tenant.value })}`, { method: 'POST', body: { seconds: Number(amount.value) } }));
    } catch (e) {
      out.textContent = e instanceof Error ? e.message : String(e);
      out.className = 'note clock-status error';
    }
  });
  return h('div', {}, h('p', { class: 'note' }, "Moves one tenant's simulated time: scheduled SMS and emails fire, lifecycles step, presigned URLs expire. Other tenants keep theirs."), form);
}

async function renderFaults(_r: Route, main: HTMLElement): Promise<void> {
  let root = main.querySelector<HTMLElement>('.full[data-id=faults]');
  if (!root) {
    const provider = h('select', { name: 'provider', 'aria-label': 'Vendor' }, (['twilio', 'sendgrid', 's3'] as Provider[]).map((p) => h('option', { value: p }, p)));
    const operation = h('input', { name: 'operation', list: 'fault-operations', placeholder: 'any operation', 'aria-label': 'Operation' });
    const operations = h('datalist', { id: 'fault-operations' });
    const matchKey = h('select', { name: 'match_key', 'aria-label': 'Match field' });
    const matchValue = h('input', { name: 'match_value', placeholder: 'e.g. +1555* or uploads/*', 'aria-label': 'Match value' });
    const tenant = h('input', { name: 'tenant', placeholder: 'any tenant', 'aria-label': 'Tenant', size: 24 });
    const type = h('select', { name: 'type', 'aria-label': 'Action' }, ['error', 'latency', 'reset'].map((t) => h('option', { value: t }, t)));
    const status = h('input', { name: 'status', type: 'number', placeholder: 'vendor default', 'aria-label': 'HTTP status', min: 400, max: 599, size: 6 });
    const code = h('input', { name: 'code', placeholder: 'e.g. 20429 or SlowDown', 'aria-label': 'Vendor error code', size: 12 });
    const message = h('input', { name: 'message', placeholder: 'vendor default', 'aria-label': 'Error message' });
    const ms = h('input', { name: 'ms', type: 'number', placeholder: '0', 'aria-label': 'Latency ms', min: 0, max: 60000, size: 6 });
    const count = h('input', { name: 'count', type: 'number', placeholder: 'unlimited', 'aria-label': 'Count', min: 1, size: 6 });
    const nth = h('input', { name: 'nth', type: 'number', placeholder: '1', 'aria-label': 'Nth matching call', min: 1, size: 4 });
    const probability = h('input', { name: 'probability', type: 'number', placeholder: '1', 'aria-label': 'Probability', min: 0, max: 1, step: 0.05, size: 4 });
    const seed = h('input', { name: 'seed', type: 'number', placeholder: 'random', 'aria-label': 'Seed', size: 6 });
    const out = h('span', { class: 'note form-status' });
    const syncProvider = () => {
      const p = provider.value as Provider;
      operations.replaceChildren(...OPERATIONS[p].map((o) => h('option', { value: o })));
      matchKey.replaceChildren(h('option', { value: '' }, 'no field'), ...MATCH_FIELDS[p].map((f) => h('option', { value: f }, f)));
      tenant.value = tenantFor(p) ?? '';
    };
    provider.addEventListener('change', syncProvider);
    syncProvider();
    const form = h(
      'form',
      { class: 'cards', 'aria-label': 'Add a fault rule' },
      h('div', { class: 'form' }, field('Vendor', provider), field('Operation', operation), operations, field('Tenant', tenant), field('Match', h('span', { class: 'form' }, matchKey, matchValue))),
      h('div', { class: 'form' }, field('Action', type), field('Status', status), field('Code', code), field('Message', message), field('Latency ms', ms)),
      h('div', { class: 'form' }, field('Count', count), field('Nth call', nth), field('Probability', probability), field('Seed', seed), h('button', { type: 'submit' }, 'Add rule'), out),
    );
    const num = (el: HTMLInputElement) => (el.value === '' ? undefined : Number(el.value));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.textContent = '';
      out.className = 'note form-status';
      const action: Json = { type: type.value };
      if (type.value === 'error') {
        if (status.value) action.status = Number(status.value);
        if (code.value) action.code = /^\d+$/.test(code.value) ? Number(code.value) : code.value;
        if (message.value) action.message = message.value;
      }
      if (ms.value) action.ms = Number(ms.value);
      const rule: Json = {
        provider: provider.value,
        operation: operation.value || undefined,
        tenant: tenant.value || undefined,
        match: matchKey.value && matchValue.value ? { [matchKey.value]: matchValue.value } : undefined,
        action,
        count: num(count),
        nth: num(nth),
        probability: num(probability),
        seed: num(seed),
      };
      try {
        const added = await api('/__inspect/faults', { method: 'POST', body: rule });
        out.textContent = `Added ${added.id}.`;
        refreshSoon();
      } catch (e) {
        out.textContent = e instanceof Error ? e.message : String(e);
        out.className = 'note form-status error';
      }
    });
    const clear = h('button', { type: 'button', class: 'danger', onclick: async () => {
      await api('/__inspect/faults', { method: 'DELETE' });
      refreshSoon();
    } }, 'Remove all rules');
    main.replaceChildren(
      (root = h(
        'div',
        { class: 'full', 'data-id': 'faults' },
        h('div', { class: 'form' }, h('h2', {}, 'Fault rules'), clear),
        h('p', { class: 'note' }, 'Rules are tried in order before the operation runs; the first that fires answers with the vendor\'s own error, adds latency or drops the connection. Every injected fault is in the request journal.'),
        h('div', { class: 'rules-slot cards' }),
        h('h3', {}, 'Add a rule'),
        form,
        h('h3', {}, 'Injected faults'),
        h('div', { class: 'injected-slot' }),
        h('h3', {}, 'Time'),
        timeForm(),
      )),
    );
  }
  const [{ rules }, injected] = await Promise.all([
    api<{ rules: Json[] }>('/__inspect/faults'),
    items('/__inspect/requests', { fault: 'true', limit: 50 }),
  ]);
  put(root.querySelector<HTMLElement>('.rules-slot')!, JSON.stringify(rules), () =>
    rules.length
      ? rules.map((r) =>
          h(
            'div',
            { class: 'fault', 'data-rule': r.id },
            h(
              'div',
              {},
              h('strong', {}, r.id),
              ` ${r.provider} ${r.operation ?? 'any operation'}`,
              r.tenant ? h('span', { class: 'meta' }, ` · tenant ${r.tenant}`) : null,
              Object.keys(r.match ?? {}).length ? h('span', { class: 'meta' }, ` · ${Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(' ')}`) : null,
              h('div', { class: 'meta' }, `${r.action.type}${r.action.status ? ` ${r.action.status}` : ''}${r.action.code ? ` ${r.action.code}` : ''}${r.action.ms ? ` +${r.action.ms} ms` : ''} · fired ${r.hits} of ${r.matched} matching${r.remaining === null ? '' : ` · ${r.remaining} left`}${r.nth ? ` · from call #${r.nth}` : ''}${r.probability < 1 ? ` · p=${r.probability}` : ''}`),
            ),
            h('button', { type: 'button', class: 'danger', onclick: async () => {
              await api(`/__inspect/faults/${encodeURIComponent(r.id)}`, { method: 'DELETE' });
              refreshSoon();
            } }, 'Remove'),
          ),
        )
      : h('p', { class: 'empty' }, 'No fault rules: every request runs normally.'),
  );
  put(root.querySelector<HTMLElement>('.injected-slot')!, JSON.stringify(injected.map((x) => x.id)), () =>
    injected.length
      ? h(
          'table',
          { class: 'grid' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Rule'), h('th', {}, 'Request'), h('th', {}, 'Answer'))),
          h(
            'tbody',
            {},
            injected.map((x) =>
              h(
                'tr',
                { 'data-id': x.id },
                h('td', {}, time(x.time)),
                h('td', {}, `${x.fault.rule} (${x.fault.action})`),
                h('td', {}, h('code', {}, `${x.method} ${x.path}`), h('div', { class: 'meta' }, x.operation ?? '')),
                h('td', {}, x.status === 0 ? badge('reset') : badge(String(x.status))),
              ),
            ),
          ),
        )
      : h('p', { class: 'note' }, 'No fault injected yet.'),
  );
}

// ---------------------------------------------------------------------------------------------
// Boot

const VIEWS: Record<string, View> = {
  emails: { label: 'Emails', provider: 'sendgrid', render: renderEmails },
  sms: { label: 'SMS', provider: 'twilio', render: renderSms },
  calls: { label: 'Calls', provider: 'twilio', render: renderCalls },
  files: { label: 'Files', provider: 's3', render: renderFiles },
  webhooks: { label: 'Webhooks', render: renderWebhooks },
  requests: { label: 'Requests', render: renderRequests },
  faults: { label: 'Faults & time', render: renderFaults },
};

export function registerView(name: string, view: View): void {
  VIEWS[name] = view;
}

function boot(): void {
  const nav = document.getElementById('nav')!;
  nav.replaceChildren(...Object.entries(VIEWS).map(([name, v]) => h('a', { href: link(name), 'data-view': name }, v.label)));
  const select = document.getElementById('tenant') as HTMLSelectElement;
  select.addEventListener('change', () => {
    const view = VIEWS[route().view] ?? VIEWS.emails;
    tenants[view.provider ?? 'all'] = select.value;
    localStorage.setItem(TENANT_KEY, JSON.stringify(tenants));
    current = undefined;
    void draw();
  });
  document.getElementById('reset')!.addEventListener('click', async () => {
    const view = VIEWS[route().view] ?? VIEWS.emails;
    const tenant = tenantFor(view.provider);
    const what = tenant ? `everything of tenant ${tenant}` : 'everything of every tenant';
    if (!confirm(`Reset ${what}?`)) return;
    await api(`/__inspect/reset${q({ tenant })}`, { method: 'POST' });
    await loadTenants();
    current = undefined;
    void draw();
  });
  window.addEventListener('hashchange', () => void draw());
  void loadTenants().then(draw);
  connectEvents();
  // Deliveries and journal rows are not all events: those screens also poll gently.
  setInterval(() => {
    if (document.visibilityState === 'visible' && ['webhooks', 'requests', 'faults'].includes(route().view)) void draw();
  }, 3000);
}

boot();
