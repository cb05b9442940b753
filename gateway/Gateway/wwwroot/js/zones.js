// Restricted zones: the list and the map (ListZones), and for the authority the GeoJSON import
// (ImportZones) with its 400 field violations shown per feature.
import { ApiError, api, query, session } from './api.js';
import { el, showMessage, toast, zoneKindLabel } from './format.js';

const PAGE_SIZE = 500;
const MAX_PAGES = 20;

export class Zones {
  constructor({ layer, onChange }) {
    this.layer = layer;
    this.onChange = onChange;
    this.list = document.getElementById('zone-list');
    this.message = document.getElementById('zone-message');
    this.form = document.getElementById('zone-import');
    this.preview = document.getElementById('import-preview');
    this.result = document.getElementById('import-result');
    this.errors = document.getElementById('import-errors');
    this.zones = [];
    this.file = null;
    this.form.elements.file.addEventListener('change', () => this.readFile());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.importZones();
    });
  }

  async load() {
    showMessage(this.message, '');
    try {
      const zones = [];
      let pageToken = '';
      for (let page = 0; page < MAX_PAGES; page++) {
        const response = await api(`/api/v1/zones${query({ pageSize: PAGE_SIZE, pageToken })}`);
        zones.push(...(response.zones ?? []));
        pageToken = response.nextPageToken ?? '';
        if (!pageToken) {
          break;
        }
      }
      this.zones = zones;
      this.layer.setZones(zones);
      this.render();
      this.onChange?.(zones);
    } catch (error) {
      showMessage(this.message, `限行区域加载失败 Could not load zones: ${error.message}`, 'error');
    }
  }

  render() {
    this.list.replaceChildren(...this.zones.map((zone) => el('li', {
      class: 'zone-item', dataset: { zoneId: zone.id }, onclick: () => this.layer.focus(zone.id),
    },
    el('div', { class: 'zone-name' }, zone.name || zone.id),
    el('div', { class: 'zone-meta' }, [
      zoneKindLabel(zone.kind),
      zone.hazardClasses?.length ? `禁 classes ${zone.hazardClasses.join(', ')}` : '禁全部 all classes',
      zone.schedule?.length ? zone.schedule.map((s) => `${(s.days ?? []).join('')} ${s.from}–${s.to}`).join('; ') : '全天 always',
      zone.speedLimitKmh ? `限速 ${zone.speedLimitKmh} km/h` : '',
      zone.sourceCrs ? `${zone.sourceCrs}` : '',
    ].filter(Boolean).join(' · ')),
    session.can('zones.write') ? el('button', {
      type: 'button', class: 'btn btn-small btn-ghost', onclick: (event) => {
        event.stopPropagation();
        this.remove(zone);
      },
    }, '删除 Delete') : null)));
    if (this.zones.length === 0) {
      this.list.append(el('li', { class: 'muted' }, '尚无限行区域 No zones yet.'));
    }
  }

  async remove(zone) {
    if (!confirm(`删除限行区域 Delete zone ${zone.name || zone.id}? Past violations are kept.`)) {
      return;
    }
    try {
      await api(`/api/v1/zones/${encodeURIComponent(zone.id)}`, { method: 'DELETE' });
      toast(`已删除 Deleted ${zone.id}`, 'ok', 3000);
      await this.load();
    } catch (error) {
      showMessage(this.message, `删除失败 Could not delete: ${error.message}`, 'error');
    }
  }

  async readFile() {
    const file = this.form.elements.file.files?.[0];
    const submit = this.form.querySelector('button[type="submit"]');
    this.file = null;
    submit.disabled = true;
    showMessage(this.result, '');
    this.errors.hidden = true;
    if (!file) {
      this.preview.textContent = '';
      return;
    }
    let json;
    try {
      json = JSON.parse(await file.text());
    } catch (error) {
      this.preview.textContent = '';
      showMessage(this.result, `${file.name} 不是有效的 JSON: ${error.message}`, 'error');
      return;
    }
    if (json?.type !== 'FeatureCollection' || !Array.isArray(json.features)) {
      showMessage(this.result, `${file.name} 不是 GeoJSON FeatureCollection (type must be "FeatureCollection" with a features array).`, 'error');
      return;
    }
    this.file = json;
    const names = json.features.slice(0, 5).map((f, i) => f?.properties?.name || f?.properties?.id || `#${i}`);
    this.preview.textContent = `${file.name}: ${json.features.length} 个要素 features — ${names.join(', ')}${json.features.length > 5 ? ' …' : ''}`;
    submit.disabled = false;
  }

  async importZones() {
    if (!this.file) {
      return;
    }
    const crs = this.form.elements.crs.value;
    const submit = this.form.querySelector('button[type="submit"]');
    submit.disabled = true;
    showMessage(this.result, '导入中 Importing…');
    this.errors.hidden = true;
    try {
      const response = await api('/api/v1/zones:import', { method: 'POST', body: { crs, featureCollection: this.file } });
      showMessage(this.result, `已导入 ${response.imported ?? 0} 个区域 Imported: ${(response.zoneIds ?? []).join(', ')}`, 'ok');
      toast(`已导入 ${response.imported ?? 0} 个限行区域`, 'ok', 4000);
      await this.load();
      const bounds = this.layer.bounds();
      if (bounds.isValid()) {
        this.layer.map.fitBounds(bounds, { maxZoom: 13, padding: [30, 30] });
      }
    } catch (error) {
      this.showImportError(error);
    } finally {
      submit.disabled = false;
    }
  }

  /** 400: google.rpc.Status with BadRequest field violations, e.g. field "featureCollection.features[2].properties.schedule[0].from". */
  showImportError(error) {
    const violations = error instanceof ApiError ? error.fieldViolations : [];
    if (violations.length === 0) {
      showMessage(this.result, `导入失败，未导入任何区域 Import refused, nothing was imported: ${error.message}`, 'error');
      return;
    }
    const featureCount = new Set(violations.map((v) => /features\[(\d+)\]/.exec(v.field ?? '')?.[1] ?? '-')).size;
    showMessage(this.result, `导入失败，未导入任何区域 Import refused, nothing was imported: ${violations.length} 个错误 errors in ${featureCount} 个要素 features.`, 'error');
    const features = this.file?.features ?? [];
    const rows = violations
      .map((v) => {
        const match = /features\[(\d+)\]|features\.(\d+)/.exec(v.field ?? '');
        const index = match ? Number(match[1] ?? match[2]) : -1;
        return { index, field: v.field ?? '', description: v.description ?? '' };
      })
      .sort((a, b) => a.index - b.index);
    const tbody = this.errors.tBodies[0];
    tbody.replaceChildren(...rows.map((row) => {
      const props = features[row.index]?.properties ?? {};
      const label = row.index < 0 ? '—' : `#${row.index}${props.id ? ` ${props.id}` : ''}${props.name ? ` ${props.name}` : ''}`;
      const field = row.field.replace(/^(featureCollection\.)?features\[\d+\]\.?/, '') || row.field;
      return el('tr', { dataset: { feature: String(row.index) } },
        el('td', { class: 'feature' }, label), el('td', {}, field), el('td', {}, row.description));
    }));
    this.errors.hidden = false;
  }
}
