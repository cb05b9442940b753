// Entry point: configuration, sign-in, the role-aware layout, and the pieces of the console.
import { api, devToken, devTokensEnabled, session, setUnauthorizedHandler } from './api.js';
import { formatTime, showMessage } from './format.js';
import { Fleet } from './fleet.js';
import { CorridorLayer, Replay, ZoneLayer, createMap } from './map.js';
import { Violations, describe } from './violations.js';
import { Zones } from './zones.js';

const $ = (id) => document.getElementById(id);

const DEFAULT_CONFIG = { map: { center: [29.56, 106.55], zoom: 9 }, tiles: null, positionsPollMs: 2000, staleAfterMinutes: 5 };

async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-cache' });
    return response.ok ? { ...DEFAULT_CONFIG, ...(await response.json()) } : DEFAULT_CONFIG;
  } catch {
    return DEFAULT_CONFIG;
  }
}

const app = {
  config: DEFAULT_CONFIG,
  started: false,
  parts: null,
};

// ---------------------------------------------------------------- sign-in

async function showSignIn(reason = '') {
  stopConsole();
  $('workspace').hidden = true;
  $('user-box').hidden = true;
  $('signin').hidden = false;
  showMessage($('signin-message'), reason, 'warn');
  $('dev-signin').hidden = !(await devTokensEnabled());
}

function signedIn() {
  $('signin').hidden = true;
  $('workspace').hidden = false;
  $('user-box').hidden = false;
  $('user-role').textContent = session.role || '?';
  $('user-role').dataset.role = session.role;
  $('user-subject').textContent = session.subject;
  document.body.dataset.role = session.role;
  startConsole();
}

$('dev-signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    session.set(await devToken(form.elements.role.value, form.elements.subject.value.trim()));
    signedIn();
  } catch (error) {
    showMessage($('signin-message'), `登录失败 Sign-in failed: ${describe(error)}`, 'error');
  }
});

$('token-signin').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    session.set(form.elements.token.value.trim().replace(/^Bearer\s+/i, ''));
    signedIn();
  } catch (error) {
    showMessage($('signin-message'), error.message, 'error');
  }
});

$('sign-out').addEventListener('click', () => {
  session.clear();
  showSignIn();
});

setUnauthorizedHandler(() => {
  session.clear();
  showSignIn('会话已失效，请重新登录。The session is no longer valid (401): sign in again.');
});

// ---------------------------------------------------------------- console

function selectTab(name) {
  for (const tab of document.querySelectorAll('.tab')) {
    tab.setAttribute('aria-selected', tab.dataset.tab === name ? 'true' : 'false');
  }
  for (const panel of document.querySelectorAll('[data-panel]')) {
    panel.hidden = panel.dataset.panel !== name;
  }
}

function applyRole() {
  // Hide what the role cannot do; the gateway refuses it anyway (403).
  for (const node of document.querySelectorAll('[data-needs]')) {
    node.hidden = !session.can(node.dataset.needs);
  }
  const visible = [...document.querySelectorAll('.tab')].filter((tab) => !tab.hidden);
  $('panel-none').hidden = visible.length > 0;
  if (visible.length > 0) {
    selectTab(visible[0].dataset.tab);
  } else {
    for (const panel of document.querySelectorAll('[data-panel]')) {
      panel.hidden = true;
    }
  }
  $('feed-violations').hidden = !session.can('violations.read');
  $('feed-positions').hidden = !session.can('positions.read');
}

function startConsole() {
  if (app.started) {
    return;
  }
  app.started = true;
  applyRole();
  if (!app.parts) {
    const map = createMap(app.config);
    const corridor = new CorridorLayer(map);
    const replay = new Replay(map, {
      box: $('replay'), play: $('replay-play'), scrub: $('replay-scrub'), time: $('replay-time'), speed: $('replay-speed'), close: $('replay-close'),
    });
    const zoneLayer = new ZoneLayer(map, (zone) => {
      selectTab('zones');
      document.querySelector(`.zone-item[data-zone-id="${CSS.escape(zone.id)}"]`)?.scrollIntoView({ block: 'nearest' });
    });
    const parts = { map, corridor, replay, zoneLayer };
    parts.fleet = new Fleet({
      map, config: app.config, corridor, replay,
      onShowViolations: (plate) => {
        selectTab('violations');
        parts.violations.filterByPlate(plate);
      },
    });
    parts.violations = new Violations({
      corridor, replay, fleet: parts.fleet,
      onOpenPlates: (plates) => parts.fleet.setAlerts(plates),
    });
    parts.zones = new Zones({ layer: zoneLayer, onChange: (zones) => parts.violations.setZones(zones) });
    for (const tab of document.querySelectorAll('.tab')) {
      tab.addEventListener('click', () => selectTab(tab.dataset.tab));
    }
    app.parts = parts;
    window.hazchemDashboard = parts; // for the browser console and the UI tests
  }
  const { map, fleet, violations, zones } = app.parts;
  setTimeout(() => map.invalidateSize(), 0);
  if (session.can('zones.read')) {
    zones.render();
    zones.load();
  }
  if (session.can('positions.read')) {
    fleet.start();
  }
  if (session.can('violations.read')) {
    violations.start();
  }
}

function stopConsole() {
  if (!app.started) {
    return;
  }
  app.started = false;
  app.parts?.fleet.stop();
  app.parts?.violations.stop();
  app.parts?.violations.closeDetail();
}

// ---------------------------------------------------------------- health and clock

async function pollHealth() {
  const pill = $('feed-health');
  try {
    const response = await fetch('/health', { cache: 'no-store' });
    const body = await response.json();
    const services = Object.entries(body.services ?? {});
    const down = services.filter(([, s]) => s.status !== 'Healthy').map(([name]) => name);
    pill.dataset.state = down.length === 0 ? 'ok' : 'warn';
    pill.title = down.length === 0
      ? `All ${services.length} services healthy`
      : `Unhealthy: ${down.join(', ')}`;
  } catch (error) {
    pill.dataset.state = 'error';
    pill.title = `Gateway health unavailable: ${error.message}`;
  }
  setTimeout(pollHealth, 15000);
}

function tickClock() {
  $('clock').textContent = `${formatTime(new Date())} 北京时间`;
}

// ---------------------------------------------------------------- start

app.config = await loadConfig();
tickClock();
setInterval(tickClock, 1000);
pollHealth();
if (session.token) {
  try {
    session.set(session.token);
    signedIn();
  } catch (error) {
    session.clear();
    showSignIn(error.message);
  }
} else {
  showSignIn();
}

export { api };
