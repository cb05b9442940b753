// Labels and times. Times come from the API in UTC (RFC 3339) and are shown in Asia/Shanghai, the
// business time zone; datetime-local filter inputs are read as Asia/Shanghai too.

export const TIME_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has had no daylight saving time since 1991.

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
const timeOnly = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** "2026-11-24 10:00:00" in Asia/Shanghai; "—" for a missing value. */
export function formatTime(value) {
  if (!value) {
    return '—';
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  return dateTime.format(date).replaceAll('/', '-');
}

export function formatClock(value) {
  return timeOnly.format(value instanceof Date ? value : new Date(value));
}

/** A datetime-local value ("2026-11-24T10:00") read as Asia/Shanghai → RFC 3339 UTC, or "" when empty. */
export function shanghaiLocalToUtc(local) {
  if (!local) {
    return '';
  }
  const asUtc = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(asUtc) ? '' : new Date(asUtc - SHANGHAI_OFFSET_MS).toISOString();
}

/** RFC 3339 → a datetime-local value in Asia/Shanghai. */
export function utcToShanghaiLocal(value) {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? '' : new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) {
    return '—';
  }
  const s = Math.round(ms / 1000);
  if (s < 60) {
    return `${s} s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m} min ${s % 60} s`;
  }
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const VIOLATION_KINDS = {
  RESTRICTED_ZONE: '闯入限行区域 Restricted zone',
  ROUTE_DEVIATION: '偏离路线 Route deviation',
  OUTSIDE_TRAVEL_WINDOW: '超时段行驶 Outside travel window',
  OVERSPEED: '超速 Overspeed',
  FATIGUE: '疲劳驾驶 Fatigue',
  GPS_OFFLINE: '卫星定位离线 GPS offline',
  NO_ACTIVE_WAYBILL: '无电子运单 No active waybill',
  ABNORMAL_STOP: '异常停车 Abnormal stop',
};

export const VIOLATION_STATUS = {
  OPEN: '进行中 OPEN',
  CLOSED: '已结束 CLOSED',
  ACKNOWLEDGED: '已处置 ACKNOWLEDGED',
};

export const ZONE_KINDS = {
  restricted_area: '限行区 restricted area',
  tunnel: '隧道 tunnel',
  bridge: '桥梁 bridge',
  water_source: '水源地 water source',
  school: '学校 school',
  expressway_ban: '高速禁行 expressway ban',
};

export function kindLabel(kind) {
  return VIOLATION_KINDS[kind] ?? kind ?? '—';
}

export function statusLabel(status) {
  return VIOLATION_STATUS[status] ?? status ?? '—';
}

export function zoneKindLabel(kind) {
  return ZONE_KINDS[kind] ?? kind ?? '—';
}

/** Builds an element: el('li', { class: 'x', dataset: { id } }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'class') {
      node.className = value;
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function showMessage(node, text, kind = 'info') {
  if (!text) {
    node.hidden = true;
    node.textContent = '';
    return;
  }
  node.hidden = false;
  node.dataset.kind = kind;
  node.textContent = text;
}

export function toast(text, kind = 'alert', ms = 6000) {
  const box = document.getElementById('toasts');
  const node = el('div', { class: 'toast', dataset: { kind } }, text);
  box.append(node);
  while (box.childElementCount > 5) {
    box.firstElementChild.remove();
  }
  setTimeout(() => node.remove(), ms);
}
