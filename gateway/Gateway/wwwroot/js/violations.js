// Violations: the filtered, paged list (ListViolations), live changes (WatchViolations), a violation's
// detail with evidence, its waybill corridor, the track replay, and acknowledgement.
import { ApiError, api, query, session } from './api.js';
import {
  VIOLATION_KINDS, el, formatDuration, formatTime, kindLabel, shanghaiLocalToUtc, showMessage, statusLabel, toast,
} from './format.js';
import { keepStreaming } from './stream.js';

const PAGE_SIZE = 25;
const TRACK_MARGIN_MS = 10 * 60000;
const TRACK_PAGE_SIZE = 1000;
const TRACK_MAX_PAGES = 20;

export class Violations {
  constructor({ corridor, replay, fleet, onOpenPlates }) {
    this.corridor = corridor;
    this.replay = replay;
    this.fleet = fleet;
    this.onOpenPlates = onOpenPlates;
    this.form = document.getElementById('violation-filters');
    this.list = document.getElementById('violation-list');
    this.message = document.getElementById('violation-message');
    this.summary = document.getElementById('violation-summary');
    this.prev = document.getElementById('page-prev');
    this.next = document.getElementById('page-next');
    this.pageNo = document.getElementById('page-no');
    this.pill = document.getElementById('feed-violations');
    this.openCount = document.getElementById('open-count');
    this.detail = document.getElementById('detail');
    this.detailTitle = document.getElementById('detail-title');
    this.detailBody = document.getElementById('detail-body');
    this.tokens = [''];
    this.page = 0;
    this.nextToken = '';
    this.rows = new Map();
    this.open = new Map(); // id → plate of OPEN episodes seen live or listed
    this.selectedId = '';
    this.stream = null;

    const kind = this.form.elements.kind;
    for (const [value, label] of Object.entries(VIOLATION_KINDS)) {
      kind.append(el('option', { value }, label));
    }
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.tokens = [''];
      this.page = 0;
      this.load();
    });
    this.form.addEventListener('reset', () => setTimeout(() => this.form.requestSubmit(), 0));
    this.prev.addEventListener('click', () => {
      if (this.page > 0) {
        this.page--;
        this.load();
      }
    });
    this.next.addEventListener('click', () => {
      if (this.nextToken) {
        this.tokens[this.page + 1] = this.nextToken;
        this.page++;
        this.load();
      }
    });
    document.getElementById('detail-close').addEventListener('click', () => this.closeDetail());
  }

  start() {
    this.load();
    this.stream = keepStreaming('/api/v1/violations:watch', {
      onMessage: (event) => this.onLive(event),
      onState: (state, detail) => {
        this.pill.dataset.state = state === 'live' ? 'ok' : state === 'error' ? 'error' : 'warn';
        this.pill.title = `Live violations (WatchViolations): ${state}${detail ? ` — ${detail}` : ''}`;
        this.pill.dataset.stream = state;
      },
    });
  }

  stop() {
    this.stream?.stop();
    this.stream = null;
  }

  /** The list's filters as ListViolations query parameters. */
  filters() {
    const f = this.form.elements;
    return {
      plate: f.plate.value.trim(),
      kind: f.kind.value,
      zoneId: f.zoneId.value,
      status: f.status.value,
      from: shanghaiLocalToUtc(f.from.value),
      to: shanghaiLocalToUtc(f.to.value),
    };
  }

  setZones(zones) {
    const select = this.form.elements.zoneId;
    const current = select.value;
    select.replaceChildren(el('option', { value: '' }, '全部 All'), ...zones.map((z) => el('option', { value: z.id }, `${z.name || z.id} (${z.id})`)));
    select.value = zones.some((z) => z.id === current) ? current : '';
  }

  filterByPlate(plate) {
    this.form.elements.plate.value = plate;
    this.form.requestSubmit();
  }

  async load() {
    const params = { ...this.filters(), pageSize: PAGE_SIZE, pageToken: this.tokens[this.page] };
    showMessage(this.message, '');
    this.summary.textContent = '加载中 Loading…';
    try {
      const response = await api(`/api/v1/violations${query(params)}`);
      const violations = response.violations ?? [];
      this.nextToken = response.nextPageToken ?? '';
      this.rows.clear();
      this.list.replaceChildren(...violations.map((v) => this.row(v)));
      for (const v of violations) {
        this.trackOpen(v);
      }
      this.summary.textContent = violations.length === 0 ? '无记录 No violations match.' : `第 ${this.page + 1} 页 · ${violations.length} 条`;
    } catch (error) {
      this.nextToken = '';
      this.summary.textContent = '';
      showMessage(this.message, `违法记录加载失败 Could not load violations: ${error.message}`, 'error');
    }
    this.prev.disabled = this.page === 0;
    this.next.disabled = !this.nextToken;
    this.pageNo.textContent = String(this.page + 1);
  }

  row(v) {
    const li = el('li', {
      class: 'violation', role: 'button', tabindex: '0',
      dataset: { id: v.id, status: v.status ?? '', kind: v.kind ?? '', plate: v.plate ?? '' },
      'aria-selected': v.id === this.selectedId ? 'true' : 'false',
      onclick: () => this.openDetail(v.id),
      onkeydown: (event) => {
        if (event.key === 'Enter') {
          this.openDetail(v.id);
        }
      },
    },
    el('span', { class: 'plate' }, v.plate),
    el('span', { class: 'status', dataset: { status: v.status ?? '' } }, statusLabel(v.status)),
    el('span', { class: 'kind' }, kindLabel(v.kind), v.zoneName || v.zoneId ? ` · ${v.zoneName || v.zoneId}` : ''),
    el('span', { class: 'when' }, formatTime(v.startTime)),
    v.details ? el('span', { class: 'where' }, v.details) : null);
    this.rows.set(v.id, li);
    return li;
  }

  matches(v) {
    const f = this.filters();
    if (f.plate && v.plate !== f.plate) {
      return false;
    }
    if ((f.kind && v.kind !== f.kind) || (f.zoneId && v.zoneId !== f.zoneId) || (f.status && v.status !== f.status)) {
      return false;
    }
    const start = Date.parse(v.startTime);
    const end = v.endTime ? Date.parse(v.endTime) : Infinity;
    if (f.to && start >= Date.parse(f.to)) {
      return false;
    }
    return !(f.from && end < Date.parse(f.from));
  }

  trackOpen(v) {
    if (v.status === 'OPEN') {
      this.open.set(v.id, v.plate);
    } else {
      this.open.delete(v.id);
    }
    this.openCount.textContent = String(this.open.size);
    this.onOpenPlates?.(new Set(this.open.values()));
  }

  /** One WatchViolationsResponse: { eventId, type: OPENED|UPDATED|CLOSED, occurredAt, violation }. */
  onLive(event) {
    const v = event?.violation;
    if (!v?.id) {
      return;
    }
    this.trackOpen(v);
    const existing = this.rows.get(v.id);
    if (existing) {
      const replacement = this.row(v);
      existing.replaceWith(replacement);
      flash(replacement);
    } else if (this.page === 0 && this.matches(v)) {
      const li = this.row(v);
      this.list.prepend(li);
      flash(li);
      if (this.list.childElementCount > PAGE_SIZE) {
        const last = this.list.lastElementChild;
        this.rows.delete(last.dataset.id);
        last.remove();
      }
      this.summary.textContent = `第 ${this.page + 1} 页 · ${this.list.childElementCount} 条`;
    }
    if (event.type === 'OPENED') {
      toast(`新告警 ${v.plate} · ${kindLabel(v.kind)}${v.zoneName ? ` · ${v.zoneName}` : ''}`, 'alert');
    } else if (event.type === 'CLOSED') {
      toast(`告警结束 ${v.plate} · ${kindLabel(v.kind)}`, 'warn', 4000);
    }
    if (v.id === this.selectedId && this.current) {
      this.renderDetail({ ...this.current, ...v, evidence: v.evidence?.length ? v.evidence : this.current.evidence });
    }
  }

  async openDetail(id) {
    this.selectedId = id;
    for (const [rowId, li] of this.rows) {
      li.setAttribute('aria-selected', rowId === id ? 'true' : 'false');
    }
    this.detail.hidden = false;
    this.detail.dataset.id = id;
    this.detailTitle.textContent = '加载中 Loading…';
    this.detailBody.replaceChildren();
    this.replay.clear();
    this.corridor.clear();
    window.dispatchEvent(new Event('resize'));
    try {
      const v = await api(`/api/v1/violations/${encodeURIComponent(id)}`);
      if (this.selectedId !== id) {
        return;
      }
      this.renderDetail(v);
      this.showCorridor(v);
      this.fleet?.highlight(v.plate);
    } catch (error) {
      this.detailTitle.textContent = '违法详情 Violation';
      this.detailBody.replaceChildren(el('div', { class: 'message', dataset: { kind: 'error' } }, `无法读取 Could not read ${id}: ${error.message}`));
    }
  }

  closeDetail() {
    this.selectedId = '';
    this.current = null;
    this.detail.hidden = true;
    this.replay.clear();
    this.corridor.clear();
    for (const li of this.rows.values()) {
      li.setAttribute('aria-selected', 'false');
    }
    window.dispatchEvent(new Event('resize'));
  }

  renderDetail(v) {
    this.current = v;
    this.detail.dataset.status = v.status ?? '';
    this.detailTitle.replaceChildren(`${v.plate} · ${kindLabel(v.kind)}`);
    const duration = v.startTime ? (v.endTime ? Date.parse(v.endTime) : Date.now()) - Date.parse(v.startTime) : NaN;
    const facts = [
      ['状态 Status', el('span', { class: 'status', dataset: { status: v.status ?? '' } }, statusLabel(v.status))],
      ['规则 Rule', v.code || '—'],
      ['开始 Start', formatTime(v.startTime)],
      ['结束 End', v.endTime ? formatTime(v.endTime) : '进行中 ongoing'],
      ['持续 Duration', formatDuration(duration)],
      ['区域 Zone', v.zoneName || v.zoneId ? `${v.zoneName ?? ''} ${v.zoneId ? `(${v.zoneId})` : ''}` : '—'],
      ['运单 Waybill', v.waybillId || '—'],
      ['货物 Goods', (v.goodsClasses ?? []).length ? `类 class ${v.goodsClasses.join(', ')}` : '—'],
      ['说明 Details', v.details || '—'],
    ];
    if (v.maxDistanceMeters) {
      facts.push(['最远 Max off', `${Math.round(v.maxDistanceMeters)} m`]);
    }
    if (v.maxSpeedKmh) {
      facts.push(['最高 Max speed', `${v.maxSpeedKmh.toFixed(0)} km/h${v.speedLimitKmh ? ` / 限 ${v.speedLimitKmh.toFixed(0)}` : ''}`]);
    }
    facts.push(['更新 Updated', formatTime(v.updatedAt)], ['编号 Id', v.id]);
    const dl = el('dl', {}, facts.flatMap(([k, value]) => [el('dt', {}, k), el('dd', {}, value)]));

    const evidence = v.evidence ?? [];
    const table = el('table', { class: 'evidence', id: 'evidence' },
      el('thead', {}, el('tr', {}, el('th', {}, '时间 Fix time'), el('th', {}, '速度'), el('th', {}, '位置'), el('th', {}, '说明 Note'))),
      el('tbody', {}, evidence.map((fix) => el('tr', { onclick: () => this.replay.map.setView([fix.lat, fix.lon], Math.max(this.replay.map.getZoom(), 14)) },
        el('td', {}, formatTime(fix.fixTime)),
        el('td', {}, `${(fix.speedKmh ?? 0).toFixed(0)}`),
        el('td', {}, `${(fix.lat ?? 0).toFixed(5)}, ${(fix.lon ?? 0).toFixed(5)}`),
        el('td', {}, fix.note ?? '')))));

    const replayStatus = el('div', { class: 'muted', id: 'replay-status' });
    const replayButton = el('button', { type: 'button', class: 'btn', id: 'replay-load', onclick: () => this.loadReplay(v, replayStatus) }, '▶ 轨迹回放 Replay track');
    const corridorStatus = el('div', { class: 'muted', id: 'corridor-status' }, this.corridorText ?? '');

    // A live update re-renders the detail: keep what the officer typed and what the replay said.
    const previousNote = this.detailBody.querySelector('#ack-note')?.value ?? '';
    const previousReplay = this.detailBody.querySelector('#replay-status');
    if (previousReplay) {
      replayStatus.textContent = previousReplay.textContent;
      Object.assign(replayStatus.dataset, previousReplay.dataset);
    }
    const parts = [dl, el('h3', {}, `证据 Evidence (${evidence.length})`), table, el('div', { class: 'card' }, replayButton, replayStatus, corridorStatus)];
    parts.push(this.ackSection(v));
    this.detailBody.replaceChildren(...parts);
    const note = this.detailBody.querySelector('#ack-note');
    if (note && previousNote) {
      note.value = previousNote;
    }
  }

  ackSection(v) {
    if (v.acknowledgement?.at || v.status === 'ACKNOWLEDGED') {
      const a = v.acknowledgement ?? {};
      return el('div', { class: 'ack-done', id: 'ack-done' },
        el('div', {}, `已处置 Acknowledged by ${a.by ?? '—'} · ${formatTime(a.at)}`),
        a.note ? el('div', { class: 'muted' }, `备注 Note: ${a.note}`) : null);
    }
    if (!session.can('violations.acknowledge')) {
      return el('div', { class: 'muted' }, '仅交警可处置 Only police acknowledge violations.');
    }
    const note = el('textarea', { name: 'note', rows: '3', placeholder: '处置说明 e.g. 已电话联系驾驶员，责令驶离限行区域', id: 'ack-note' });
    const result = el('div', { class: 'message', hidden: true });
    const button = el('button', { type: 'submit', class: 'btn btn-primary', id: 'ack-submit' }, '确认处置 Acknowledge');
    return el('form', {
      class: 'ack-form card',
      id: 'ack-form',
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        try {
          const updated = await api(`/api/v1/violations/${encodeURIComponent(v.id)}:acknowledge`, {
            method: 'POST', body: { note: note.value.trim() },
          });
          const merged = { ...v, ...updated };
          this.trackOpen(merged);
          this.renderDetail(merged);
          const row = this.rows.get(v.id);
          if (row) {
            row.replaceWith(this.row(merged));
          }
          toast(`已处置 Acknowledged ${v.plate}`, 'ok', 4000);
        } catch (error) {
          button.disabled = false;
          showMessage(result, `处置失败 Could not acknowledge: ${describe(error)}`, 'error');
        }
      },
    }, el('h3', {}, '处置 Acknowledge'), note, button, result);
  }

  async showCorridor(v) {
    this.corridorText = '';
    if (!v.waybillId || !session.can('waybill.read')) {
      return;
    }
    const status = () => document.getElementById('corridor-status');
    try {
      const waybill = await api(`/api/v1/waybills/${encodeURIComponent(v.waybillId)}`);
      if (this.selectedId !== v.id) {
        return;
      }
      const shown = this.corridor.show(waybill);
      this.corridorText = shown
        ? `运单走廊 Corridor of waybill ${waybill.id}: ±${waybill.route?.corridorMeters || 500} m, ${waybill.route.coordinates.length} points`
        : `运单 ${waybill.id} 无路线 has no route`;
    } catch (error) {
      this.corridorText = `运单走廊不可用 Corridor unavailable: ${error.message}`;
    }
    if (status()) {
      status().textContent = this.corridorText;
    }
  }

  /** The track from 10 min before the start to 10 min after the end (or now), every page. */
  async loadReplay(v, statusNode) {
    const from = new Date(Date.parse(v.startTime) - TRACK_MARGIN_MS).toISOString();
    const to = new Date((v.endTime ? Date.parse(v.endTime) : Date.now()) + TRACK_MARGIN_MS).toISOString();
    statusNode.textContent = '加载轨迹 Loading track…';
    try {
      const points = await loadTrack(v.plate, from, to);
      this.replay.load(points, v.evidence ?? []);
      statusNode.textContent = `轨迹 Track: ${points.length} 点 points, ${formatTime(from)} – ${formatTime(to)}`;
      statusNode.dataset.points = String(points.length);
    } catch (error) {
      statusNode.textContent = `轨迹不可用 Track unavailable: ${error.message}`;
      this.replay.load([], v.evidence ?? []);
    }
  }
}

export async function loadTrack(plate, from, to) {
  const points = [];
  let pageToken = '';
  for (let page = 0; page < TRACK_MAX_PAGES; page++) {
    const response = await api(`/api/v1/vehicles/${encodeURIComponent(plate)}/track${query({ from, to, pageSize: TRACK_PAGE_SIZE, pageToken })}`);
    points.push(...(response.points ?? []));
    pageToken = response.nextPageToken ?? '';
    if (!pageToken) {
      break;
    }
  }
  return points;
}

function flash(node) {
  node.classList.remove('flash');
  void node.offsetWidth;
  node.classList.add('flash');
}

export function describe(error) {
  if (error instanceof ApiError) {
    const fields = error.fieldViolations.map((f) => `${f.field}: ${f.description}`);
    const findings = error.findings.map((f) => `${f.code}: ${f.message}`);
    return [error.message, ...fields, ...findings].join(' · ');
  }
  return error?.message ?? String(error);
}
