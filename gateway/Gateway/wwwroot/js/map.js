// The map: a plain background with a coordinate grid unless base tiles are configured, restricted zones
// (SVG, a few hundred shapes at most), a waybill corridor, the live fleet (one canvas, redrawn per frame)
// and the replay of one track.
import { el, formatTime, zoneKindLabel } from './format.js';

const L = window.L;

/** Base tiles: `?tiles=<url template>` overrides config.json's `tiles` ({ url, attribution, maxZoom }). */
function tileOptions(config) {
  const fromQuery = new URLSearchParams(location.search).get('tiles');
  if (fromQuery !== null) {
    return fromQuery === '' || fromQuery === 'none' ? null : { url: fromQuery };
  }
  return config.tiles && config.tiles.url ? config.tiles : null;
}

/** Faint lines every 2^n degrees so a map without tiles still shows scale and movement. */
const Graticule = L.GridLayer.extend({
  createTile(coords) {
    const tile = document.createElement('canvas');
    const size = this.getTileSize();
    tile.width = size.x;
    tile.height = size.y;
    const ctx = tile.getContext('2d');
    ctx.strokeStyle = 'rgba(71, 85, 105, 0.18)';
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, size.x, size.y);
    if (coords.z >= 6) {
      const nw = this._map.unproject([coords.x * size.x, coords.y * size.y], coords.z);
      ctx.fillStyle = 'rgba(71, 85, 105, 0.45)';
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(`${nw.lat.toFixed(3)}°N ${nw.lng.toFixed(3)}°E`, 4, 12);
    }
    return tile;
  },
});

export function createMap(config) {
  const options = config.map ?? {};
  const map = L.map('map', {
    preferCanvas: true,
    center: options.center ?? [29.56, 106.55],
    zoom: options.zoom ?? 9,
    minZoom: options.minZoom ?? 3,
    maxZoom: options.maxZoom ?? 18,
    worldCopyJump: false,
    attributionControl: true,
  });
  map.attributionControl.setPrefix('Leaflet');
  const tiles = tileOptions(config);
  if (tiles) {
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution ?? '',
      maxZoom: tiles.maxZoom ?? options.maxZoom ?? 18,
      subdomains: tiles.subdomains ?? 'abc',
    }).addTo(map);
  } else {
    map.getContainer().classList.add('plain');
    new Graticule({ tileSize: 256, pane: 'tilePane' }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  map.createPane('corridor').style.zIndex = 390;
  map.createPane('zones').style.zIndex = 400;
  map.createPane('vehicles').style.zIndex = 450;
  map.createPane('replay').style.zIndex = 460;
  return map;
}

// ---------------------------------------------------------------- zones

export class ZoneLayer {
  constructor(map, onSelect) {
    this.map = map;
    this.renderer = L.svg({ pane: 'zones' });
    this.group = L.layerGroup().addTo(map);
    this.onSelect = onSelect;
    this.byId = new Map();
  }

  /** Replaces all zones (each { id, name, kind, geometry (GeoJSON), ... }). */
  setZones(zones) {
    this.group.clearLayers();
    this.byId.clear();
    for (const zone of zones) {
      if (!zone.geometry) {
        continue;
      }
      const layer = L.geoJSON({ type: 'Feature', geometry: zone.geometry, properties: {} }, {
        renderer: this.renderer,
        pane: 'zones',
        style: () => ({
          color: '#dc2626', weight: 2, fillColor: '#ef4444', fillOpacity: 0.16, dashArray: zone.schedule?.length ? '6 4' : null,
          className: 'zone-shape',
        }),
      });
      layer.eachLayer((shape) => {
        shape.on('add', () => shape.getElement()?.setAttribute('data-zone-id', zone.id));
        shape.bindTooltip(`${zone.name || zone.id} · ${zoneKindLabel(zone.kind)}`, { sticky: true });
        shape.on('click', () => this.onSelect?.(zone));
      });
      layer.addTo(this.group);
      this.byId.set(zone.id, layer);
    }
  }

  focus(id) {
    const layer = this.byId.get(id);
    if (layer) {
      this.map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [40, 40] });
    }
  }

  bounds() {
    const all = L.latLngBounds([]);
    for (const layer of this.byId.values()) {
      all.extend(layer.getBounds());
    }
    return all;
  }
}

// ---------------------------------------------------------------- corridor

/** A waybill route drawn as its corridor: the centre line plus a band of the corridor's half-width. */
export class CorridorLayer {
  constructor(map) {
    this.map = map;
    this.group = L.layerGroup().addTo(map);
    this.renderer = L.svg({ pane: 'corridor' });
  }

  clear() {
    this.group.clearLayers();
  }

  /** waybill: a WaybillRecord ({ id, route: { coordinates: [[lon, lat], ...], corridorMeters }, origin, destination }). */
  show(waybill) {
    this.clear();
    const coordinates = (waybill?.route?.coordinates ?? []).filter((c) => Array.isArray(c) && c.length >= 2);
    if (coordinates.length < 2) {
      return false;
    }
    const halfWidth = waybill.route.corridorMeters > 0 ? waybill.route.corridorMeters : 500;
    const line = coordinates.map(([lon, lat]) => [lat, lon]);
    const style = { renderer: this.renderer, pane: 'corridor', stroke: false, fillColor: '#3b82f6', fillOpacity: 0.18, interactive: false };
    for (let i = 0; i < line.length - 1; i++) {
      L.polygon(segmentBand(line[i], line[i + 1], halfWidth), style).addTo(this.group);
    }
    for (const point of line) {
      L.circle(point, { ...style, radius: halfWidth }).addTo(this.group);
    }
    L.polyline(line, { renderer: this.renderer, pane: 'corridor', color: '#1d4ed8', weight: 2, dashArray: '8 6', className: 'corridor-line' })
      .bindTooltip(`运单 waybill ${waybill.id} · 走廊 corridor ±${halfWidth} m`, { sticky: true })
      .addTo(this.group);
    for (const [point, label] of [[waybill.origin, '起 origin'], [waybill.destination, '止 destination']]) {
      if (point && Number.isFinite(point.lat) && Number.isFinite(point.lon)) {
        L.circleMarker([point.lat, point.lon], { renderer: this.renderer, pane: 'corridor', radius: 6, color: '#1d4ed8', fillColor: '#fff', fillOpacity: 1, weight: 2 })
          .bindTooltip(`${label}: ${point.name ?? ''}`)
          .addTo(this.group);
      }
    }
    return true;
  }

  bounds() {
    const all = L.latLngBounds([]);
    this.group.eachLayer((layer) => layer.getBounds && all.extend(layer.getBounds()));
    return all;
  }
}

/** The quadrilateral ±halfWidth metres either side of a segment (local equirectangular metres; fine at corridor scale). */
function segmentBand(a, b, halfWidth) {
  const metersPerDegLat = 111320;
  const metersPerDegLon = 111320 * Math.cos(((a[0] + b[0]) / 2) * Math.PI / 180);
  const dx = (b[1] - a[1]) * metersPerDegLon;
  const dy = (b[0] - a[0]) * metersPerDegLat;
  const length = Math.hypot(dx, dy) || 1;
  const ox = (-dy / length) * halfWidth;
  const oy = (dx / length) * halfWidth;
  const shift = ([lat, lon], sign) => [lat + (sign * oy) / metersPerDegLat, lon + (sign * ox) / metersPerDegLon];
  return [shift(a, 1), shift(b, 1), shift(b, -1), shift(a, -1)];
}

// ---------------------------------------------------------------- fleet

const MOVING_KMH = 5;

/**
 * Every live vehicle on one canvas. Positions are updated in place (a Map of plain objects); the canvas is
 * redrawn at most once per animation frame, with each vehicle gliding from its previous to its new fix.
 * No Leaflet layer per vehicle, so 1,000+ vehicles cost one draw loop, not 1,000 DOM or path objects.
 */
export const VehicleLayer = L.Layer.extend({
  initialize(options) {
    L.setOptions(this, options);
    this.vehicles = new Map();
    this.alerts = new Set();
    this.selected = '';
    this.frame = 0;
    this.animateUntil = 0;
  },

  onAdd(map) {
    this.canvas = L.DomUtil.create('canvas', 'vehicle-canvas leaflet-zoom-hide');
    this.canvas.style.pointerEvents = 'none';
    map.getPane('vehicles').appendChild(this.canvas);
    this.tooltip = L.tooltip({ direction: 'top', offset: [0, -8], className: 'vehicle-tip' });
    map.on('moveend zoomend resize viewreset', this.reset, this);
    map.on('move', this.reset, this);
    map.on('mousemove', this.hover, this);
    map.on('click', this.click, this);
    this.reset();
  },

  onRemove(map) {
    map.off('moveend zoomend resize viewreset move', this.reset, this);
    map.off('mousemove', this.hover, this);
    map.off('click', this.click, this);
    this.canvas.remove();
    cancelAnimationFrame(this.frame);
  },

  /** Applies a batch of VehiclePosition messages; returns how many changed. */
  update(positions, now = performance.now()) {
    const duration = this.options.glideMs ?? 1000;
    let changed = 0;
    for (const p of positions) {
      if (!p?.plate || !Number.isFinite(p.lat) || !Number.isFinite(p.lon)) {
        continue;
      }
      let v = this.vehicles.get(p.plate);
      if (!v) {
        v = { plate: p.plate, fromLat: p.lat, fromLon: p.lon, lat: p.lat, lon: p.lon, t0: now };
        this.vehicles.set(p.plate, v);
      } else {
        const current = this.interpolated(v, now);
        v.fromLat = current.lat;
        v.fromLon = current.lon;
        v.lat = p.lat;
        v.lon = p.lon;
        v.t0 = now;
      }
      v.speedKmh = p.speedKmh ?? 0;
      v.headingDeg = p.headingDeg ?? 0;
      v.fixTime = p.fixTime;
      v.fixMs = Date.parse(p.fixTime);
      v.receivedTime = p.receivedTime;
      v.source = p.source;
      changed++;
    }
    if (changed > 0) {
      this.options.onCount?.(this.vehicles.size);
      this.animateUntil = Math.max(this.animateUntil, now + duration);
      this.schedule();
    }
    return changed;
  },

  setAlerts(plates) {
    this.alerts = new Set(plates);
    this.schedule();
  },

  select(plate) {
    this.selected = plate || '';
    this.schedule();
  },

  get(plate) {
    return this.vehicles.get(plate);
  },

  interpolated(v, now) {
    const duration = this.options.glideMs ?? 1000;
    const k = Math.min(1, Math.max(0, (now - v.t0) / duration));
    return { lat: v.fromLat + (v.lat - v.fromLat) * k, lon: v.fromLon + (v.lon - v.fromLon) * k };
  },

  reset() {
    if (!this._map) {
      return;
    }
    const size = this._map.getSize();
    const ratio = window.devicePixelRatio || 1;
    const topLeft = this._map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(this.canvas, topLeft);
    if (this.canvas.width !== Math.round(size.x * ratio) || this.canvas.height !== Math.round(size.y * ratio)) {
      this.canvas.width = Math.round(size.x * ratio);
      this.canvas.height = Math.round(size.y * ratio);
      this.canvas.style.width = `${size.x}px`;
      this.canvas.style.height = `${size.y}px`;
    }
    this.draw(performance.now());
  },

  schedule() {
    if (!this.frame && this._map) {
      this.frame = requestAnimationFrame((now) => {
        this.frame = 0;
        this.draw(now);
        if (now < this.animateUntil) {
          this.schedule();
        }
      });
    }
  },

  draw(now) {
    const map = this._map;
    if (!map) {
      return;
    }
    const ctx = this.canvas.getContext('2d');
    const ratio = window.devicePixelRatio || 1;
    const size = map.getSize();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const staleMs = (this.options.staleAfterMinutes ?? 5) * 60000;
    const wall = Date.now();
    const zoom = map.getZoom();
    const r = zoom >= 12 ? 7 : zoom >= 9 ? 5 : 3.5;
    const buckets = { moving: [], stopped: [], stale: [], alert: [] };
    this.screen = [];
    for (const v of this.vehicles.values()) {
      const at = this.interpolated(v, now);
      const point = map.latLngToContainerPoint([at.lat, at.lon]);
      if (point.x < -20 || point.y < -20 || point.x > size.x + 20 || point.y > size.y + 20) {
        continue;
      }
      this.screen.push({ v, x: point.x, y: point.y });
      const bucket = this.alerts.has(v.plate) ? 'alert'
        : wall - v.fixMs > staleMs ? 'stale'
          : v.speedKmh > MOVING_KMH ? 'moving' : 'stopped';
      buckets[bucket].push({ v, x: point.x, y: point.y });
    }
    const colors = { stale: '#6b7280', stopped: '#737373', moving: '#0284c7', alert: '#dc2626' };
    for (const name of ['stale', 'stopped', 'moving', 'alert']) {
      ctx.fillStyle = colors[name];
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      for (const { v, x, y } of buckets[name]) {
        if (name === 'moving' || name === 'alert') {
          // An arrow pointing along the heading.
          const a = ((v.headingDeg ?? 0) * Math.PI) / 180;
          const sin = Math.sin(a);
          const cos = Math.cos(a);
          const tip = [x + sin * r * 1.6, y - cos * r * 1.6];
          const left = [x - cos * r - sin * r, y - sin * r + cos * r];
          const right = [x + cos * r - sin * r, y + sin * r + cos * r];
          ctx.moveTo(tip[0], tip[1]);
          ctx.lineTo(left[0], left[1]);
          ctx.lineTo(x - sin * r * 0.4, y + cos * r * 0.4);
          ctx.lineTo(right[0], right[1]);
          ctx.closePath();
        } else {
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2);
        }
      }
      ctx.fill();
      ctx.stroke();
    }
    if (this.selected) {
      const hit = this.screen.find((s) => s.v.plate === this.selected);
      if (hit) {
        ctx.strokeStyle = '#f97316';
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(hit.x, hit.y, r + 6, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    if (zoom >= 13) {
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#0f172a';
      for (const { v, x, y } of this.screen) {
        ctx.fillText(v.plate, x + r + 3, y + 4);
      }
    }
  },

  nearest(containerPoint, maxPx = 10) {
    let best = null;
    let bestDistance = maxPx * maxPx;
    for (const s of this.screen ?? []) {
      const d = (s.x - containerPoint.x) ** 2 + (s.y - containerPoint.y) ** 2;
      if (d <= bestDistance) {
        best = s;
        bestDistance = d;
      }
    }
    return best;
  },

  hover(event) {
    const hit = this.nearest(event.containerPoint);
    if (!hit) {
      this._map.getContainer().style.cursor = '';
      this.tooltip.remove();
      return;
    }
    this._map.getContainer().style.cursor = 'pointer';
    const v = hit.v;
    this.tooltip
      .setLatLng(this._map.containerPointToLatLng([hit.x, hit.y]))
      .setContent(`<b>${escapeHtml(v.plate)}</b><br>${(v.speedKmh ?? 0).toFixed(0)} km/h · ${Math.round(v.headingDeg ?? 0)}°<br>${formatTime(v.fixTime)}`)
      .addTo(this._map);
  },

  click(event) {
    const hit = this.nearest(event.containerPoint);
    if (hit) {
      this.options.onSelect?.(hit.v.plate);
    }
  },
});

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// ---------------------------------------------------------------- replay

/** A track ([{ fixTime, lat, lon, speedKmh, headingDeg, quarantined }]) with evidence, played back on the map. */
export class Replay {
  constructor(map, controls) {
    this.map = map;
    this.controls = controls;
    this.group = L.layerGroup().addTo(map);
    this.renderer = L.svg({ pane: 'replay' });
    this.points = [];
    this.index = 0;
    this.playing = false;
    this.timer = 0;
    controls.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    controls.scrub.addEventListener('input', () => {
      this.pause();
      this.seek(Number(controls.scrub.value));
    });
    controls.close.addEventListener('click', () => this.clear());
  }

  load(points, evidence = []) {
    this.clear();
    this.points = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon) && !p.quarantined);
    const line = this.points.map((p) => [p.lat, p.lon]);
    if (line.length > 0) {
      L.polyline(line, { renderer: this.renderer, pane: 'replay', color: '#7c3aed', weight: 3, opacity: 0.8, className: 'replay-track' }).addTo(this.group);
    }
    for (const fix of evidence) {
      if (Number.isFinite(fix.lat) && Number.isFinite(fix.lon)) {
        L.circleMarker([fix.lat, fix.lon], {
          renderer: this.renderer, pane: 'replay', radius: 7, color: '#b91c1c', weight: 2, fillColor: '#fde047', fillOpacity: 1, className: 'evidence-marker',
        }).bindTooltip(`${fix.note || '证据 evidence'} · ${formatTime(fix.fixTime)} · ${(fix.speedKmh ?? 0).toFixed(0)} km/h`).addTo(this.group);
      }
    }
    this.marker = L.circleMarker(line[0] ?? [0, 0], {
      renderer: this.renderer, pane: 'replay', radius: 8, color: '#fff', weight: 2, fillColor: '#7c3aed', fillOpacity: 1, className: 'replay-marker',
    });
    if (line.length > 0) {
      this.marker.addTo(this.group);
    }
    this.controls.box.hidden = false;
    this.controls.scrub.max = String(Math.max(0, this.points.length - 1));
    this.controls.box.dataset.points = String(this.points.length);
    this.seek(0);
    const bounds = L.latLngBounds(line.concat(evidence.filter((f) => Number.isFinite(f.lat)).map((f) => [f.lat, f.lon])));
    if (bounds.isValid()) {
      this.map.fitBounds(bounds, { maxZoom: 15, padding: [60, 60] });
    }
  }

  seek(index) {
    if (this.points.length === 0) {
      this.controls.time.textContent = '无轨迹 no track';
      return;
    }
    this.index = Math.max(0, Math.min(this.points.length - 1, index));
    const p = this.points[this.index];
    this.marker.setLatLng([p.lat, p.lon]);
    this.controls.scrub.value = String(this.index);
    this.controls.time.textContent = `${formatTime(p.fixTime)} · ${(p.speedKmh ?? 0).toFixed(0)} km/h`;
  }

  /** Plays at `speed`× real time (fix-time gaps scaled, at least one frame per point). */
  play() {
    if (this.points.length < 2) {
      return;
    }
    if (this.index >= this.points.length - 1) {
      this.seek(0);
    }
    this.playing = true;
    this.controls.play.textContent = '❚❚';
    this.controls.play.setAttribute('aria-label', 'Pause');
    const step = () => {
      if (!this.playing) {
        return;
      }
      if (this.index >= this.points.length - 1) {
        this.pause();
        return;
      }
      const speed = Number(this.controls.speed.value) || 30;
      const gap = Date.parse(this.points[this.index + 1].fixTime) - Date.parse(this.points[this.index].fixTime);
      this.seek(this.index + 1);
      this.timer = setTimeout(step, Math.min(1000, Math.max(16, (Number.isFinite(gap) ? gap : 1000) / speed)));
    };
    step();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.controls.play.textContent = '▶';
    this.controls.play.setAttribute('aria-label', 'Play');
  }

  clear() {
    this.pause();
    this.group.clearLayers();
    this.points = [];
    this.controls.box.hidden = true;
  }
}

export { el };
