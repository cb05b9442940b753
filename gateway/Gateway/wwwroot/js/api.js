// REST client for the gateway: bearer token, JSON, and google.rpc.Status errors.

const TOKEN_KEY = 'hazchem.token';

/** What each role may do: a copy of services/ServiceDefaults/Auth/Policies.cs for the parts the dashboard uses. */
const ROLES_BY_POLICY = {
  'zones.read': ['admin', 'police', 'carrier', 'terminal'],
  'zones.write': ['admin'],
  'positions.read': ['police', 'admin', 'carrier', 'terminal'],
  'violations.read': ['police', 'admin'],
  'violations.acknowledge': ['police'],
  'waybill.read': ['admin', 'carrier', 'terminal', 'police'],
};

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super(body?.message || body?.title || fallback || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }

  /** BadRequest field violations of a google.rpc.Status body: [{ field, description }]. */
  get fieldViolations() {
    const details = Array.isArray(this.body?.details) ? this.body.details : [];
    const fromStatus = details
      .filter((d) => String(d['@type'] ?? '').endsWith('google.rpc.BadRequest'))
      .flatMap((d) => d.fieldViolations ?? []);
    if (fromStatus.length > 0) {
      return fromStatus;
    }
    // ASP.NET validation problem details (the dev token endpoint): { errors: { field: [messages] } }.
    const errors = this.body?.errors && typeof this.body.errors === 'object' ? this.body.errors : {};
    return Object.entries(errors).flatMap(([field, messages]) => [].concat(messages).map((description) => ({ field, description })));
  }

  /** Rule findings of a 422 (hazchem.common.v1.RuleFindings): [{ code, subject, message }]. */
  get findings() {
    const details = Array.isArray(this.body?.details) ? this.body.details : [];
    return details.filter((d) => String(d['@type'] ?? '').endsWith('RuleFindings')).flatMap((d) => d.findings ?? []);
  }
}

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  claims: null,

  get role() {
    return this.claims?.role ?? '';
  },

  get subject() {
    return this.claims?.sub ?? '';
  },

  can(policy) {
    return (ROLES_BY_POLICY[policy] ?? []).includes(this.role);
  },

  set(token) {
    const claims = decodeJwt(token);
    if (!claims) {
      throw new Error('这不是有效的 JWT。Not a JWT (three base64url parts with a JSON payload).');
    }
    if (claims.exp && claims.exp * 1000 < Date.now()) {
      throw new Error('令牌已过期。The token has expired.');
    }
    this.token = token;
    this.claims = claims;
    sessionStorage.setItem(TOKEN_KEY, token);
  },

  clear() {
    this.token = '';
    this.claims = null;
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export function decodeJwt(token) {
  const parts = String(token).trim().split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const base64 = parts[1].replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

let onUnauthorized = () => {};

/** Called when the gateway answers 401 (token expired or signed by another key). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, value);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Calls the gateway; resolves to the parsed JSON body, rejects with ApiError. */
export async function api(path, { method = 'GET', body, signal, auth = true } = {}) {
  const headers = { accept: 'application/json' };
  if (auth && session.token) {
    headers.authorization = `Bearer ${session.token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && auth) {
      onUnauthorized();
    }
    throw new ApiError(response.status, json, describeStatus(response.status, text));
  }
  return json ?? {};
}

export function describeStatus(status, text = '') {
  switch (status) {
    case 401: return '未登录或令牌无效 (401): sign in again.';
    case 403: return '无权限 (403): this role may not do that.';
    case 404: return '未找到 (404).';
    case 429: return '请求过多 (429): rate limited, retrying.';
    case 501: return '服务尚未实现 (501 UNIMPLEMENTED).';
    case 502: case 503: case 504: return `服务不可用 (${status}): the service does not answer.`;
    default: return text && text.length < 200 ? `HTTP ${status}: ${text}` : `HTTP ${status}`;
  }
}

/** Is the gateway's dev token endpoint on? A malformed request is 400 when it is, 404 when it is not. */
export async function devTokensEnabled() {
  try {
    const response = await fetch('/api/v1/dev/token', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    return response.status === 400;
  } catch {
    return false;
  }
}

export async function devToken(role, subject) {
  const { token } = await api('/api/v1/dev/token', { method: 'POST', body: { role, subject }, auth: false });
  return token;
}
