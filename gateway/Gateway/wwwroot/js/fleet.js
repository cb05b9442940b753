// Live fleet: polls GET /api/v1/positions/latest?updatedSince=<asOf> and moves the canvas markers in place.
import { api, query, session } from './api.js';
import { el, formatTime, showMessage } from './format.js';
import { VehicleLayer } from './map.js';
import { loadTrack } from './violations.js';

export class Fleet {
  constructor({ map, config, corridor, replay, onShowViolations }) {
    this.map = map;
    this.corridor = corridor;
    this.replay = replay;
    this.onShowViolations = onShowViolations;
    this.intervalMs = Math.max(500, config.positionsPollMs ?? 2000);
    this.layer = new VehicleLayer({
      staleAfterMinutes: config.staleAfterMinutes ?? 5,
      glideMs: Math.min(1000, this.intervalMs),
      onSelect: (plate) => this.select(plate),
      onCount: (count) => {
        this.count.textContent = String(count);
      },
    }).addTo(map);
    this.pill = document.getElementById('feed-positions');
    this.count = document.getElementById('vehicle-count');
    this.message = document.getElementById('fleet-message');
    this.card = document.getElementById('fleet-selected');
    this.plates = document.getElementById('fleet-plates');
    this.search = document.getElementById('fleet-search');
    this.asOf = '';
    this.timer = 0;
    this.running = false;
    this.failures = 0;
    this.knownPlates = 0;
    this.search.addEventListener('change', () => {
      const plate = this.search.value.trim();
      if (plate) {
        this.select(plate, true);
      }
    });
  }

  start() {
    this.running = true;
    this.poll();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
  }

  async poll() {
    if (!this.running) {
      return;
    }
    let delay = this.intervalMs;
    try {
      const response = await api(`/api/v1/positions/latest${query({ updatedSince: this.asOf })}`);
      const positions = response.positions ?? [];
      this.layer.update(positions);
      if (response.asOf) {
        this.asOf = response.asOf;
      }
      this.failures = 0;
      this.pill.dataset.state = 'ok';
      this.pill.title = `Live positions: updated ${formatTime(this.asOf || new Date())}`;
      showMessage(this.message, '');
      if (this.layer.vehicles.size !== this.knownPlates) {
        this.knownPlates = this.layer.vehicles.size;
        this.plates.replaceChildren(...[...this.layer.vehicles.keys()].sort().map((p) => el('option', { value: p })));
      }
      if (this.selected && positions.some((p) => p.plate === this.selected)) {
        this.renderCard();
      }
    } catch (error) {
      this.failures++;
      delay = Math.min(15000, this.intervalMs * 2 ** Math.min(this.failures, 3));
      this.pill.dataset.state = 'error';
      this.pill.title = `Live positions unavailable: ${error.message}`;
      showMessage(this.message, `实时位置不可用 Live positions unavailable: ${error.message}`, 'warn');
    }
    if (this.running) {
      this.timer = setTimeout(() => this.poll(), delay);
    }
  }

  /** Rings a vehicle on the map without leaving the current panel (a violation's detail does this). */
  highlight(plate) {
    this.layer.select(plate);
  }

  setAlerts(plates) {
    this.layer.setAlerts(plates);
  }

  async select(plate, pan = false) {
    this.selected = plate;
    this.layer.select(plate);
    let v = this.layer.get(plate);
    if (!v) {
      try {
        const p = await api(`/api/v1/vehicles/${encodeURIComponent(plate)}/position`);
        this.layer.update([p]);
        v = this.layer.get(plate);
      } catch (error) {
        this.card.hidden = false;
        this.card.replaceChildren(el('div', { class: 'message', dataset: { kind: 'warn' } }, `${plate}: 无位置 no position (${error.message})`));
        return;
      }
    }
    if (pan && v) {
      this.map.setView([v.lat, v.lon], Math.max(this.map.getZoom(), 13));
    }
    document.querySelector('.tab[data-tab="fleet"]')?.click();
    this.renderCard();
  }

  renderCard() {
    const v = this.layer.get(this.selected);
    if (!v) {
      return;
    }
    const status = el('div', { class: 'muted', id: 'fleet-action-status' });
    const actions = [
      el('button', {
        type: 'button', class: 'btn btn-small', onclick: async () => {
          status.textContent = '加载轨迹 Loading track…';
          const to = new Date();
          const from = new Date(to.getTime() - 3600000);
          try {
            const points = await loadTrack(v.plate, from.toISOString(), to.toISOString());
            this.replay.load(points);
            status.textContent = `近 1 小时轨迹 Last hour: ${points.length} points`;
          } catch (error) {
            status.textContent = `轨迹不可用 Track unavailable: ${error.message}`;
          }
        },
      }, '近1小时轨迹 Last hour'),
    ];
    if (session.can('waybill.read')) {
      actions.push(el('button', {
        type: 'button', class: 'btn btn-small', onclick: async () => {
          try {
            const waybill = await api(`/api/v1/vehicles/${encodeURIComponent(v.plate)}/waybill`);
            status.textContent = this.corridor.show(waybill)
              ? `运单 ${waybill.id} (${waybill.status}) 走廊 corridor ±${waybill.route?.corridorMeters || 500} m`
              : `运单 ${waybill.id} 无路线 has no route`;
          } catch (error) {
            status.textContent = error.status === 404 ? '无有效运单 No active waybill.' : `运单不可用 ${error.message}`;
          }
        },
      }, '运单走廊 Waybill corridor'));
    }
    if (session.can('violations.read')) {
      actions.push(el('button', { type: 'button', class: 'btn btn-small', onclick: () => this.onShowViolations?.(v.plate) }, '告警记录 Violations'));
    }
    this.card.hidden = false;
    this.card.dataset.plate = v.plate;
    this.card.replaceChildren(
      el('h3', {}, v.plate),
      el('dl', { class: 'facts' },
        el('dt', {}, '速度 Speed'), el('dd', {}, `${(v.speedKmh ?? 0).toFixed(0)} km/h · ${Math.round(v.headingDeg ?? 0)}°`),
        el('dt', {}, '定位 Fix'), el('dd', {}, formatTime(v.fixTime)),
        el('dt', {}, '接收 Received'), el('dd', {}, formatTime(v.receivedTime)),
        el('dt', {}, '位置 Position'), el('dd', {}, `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}`),
        el('dt', {}, '来源 Source'), el('dd', {}, v.source ?? '—')),
      el('div', { class: 'filter-actions' }, actions),
      status,
    );
  }
}
