// OpenID Connect test provider of the Long An Số end-to-end tests: panva's oidc-provider, in
// memory, on plain http on 127.0.0.1, with an automatic sign-in instead of a login page and
// test-control endpoints under /test/. See README.md beside this file.
//
// stdout: exactly one line, `listening on http://127.0.0.1:PORT` (the issuer). Everything else
// (oidc-provider's notices included) goes to stderr. Tokens are never logged.

import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

// oidc-provider prints its notices with console.info; keep stdout for the one line we promise.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

const env = process.env;
const HOST = '127.0.0.1';
const PORT = Number.parseInt(env.PORT ?? '0', 10) || 0;
const TEST_CONTROL = env.OIDC_TEST_CONTROL !== '0';

function secondsFromEnv(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`provider.mjs: ${name} must be a number of seconds, not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

/** Mutable test settings. */
const settings = {
  accessTtl: secondsFromEnv('OIDC_ACCESS_TTL', 300),
  reuseGrace: secondsFromEnv('OIDC_REUSE_GRACE', 0),
  foreignKey: false,
};

const counts = {
  token_requests: 0,
  refresh_requests: 0,
  introspections: 0,
  revocations: 0,
};

// ---------------------------------------------------------------------------------------------
// Accounts

const ACCOUNTS = new Map([
  ['citizen-1', { name: 'Trần Thị Lan', applicant_ref: 'A-0001' }],
  ['citizen-2', { name: 'Lê Văn Hùng', applicant_ref: 'A-0002' }],
  ['citizen-3', { name: 'Phạm Minh Châu', applicant_ref: 'A-0003' }],
]);

async function findAccount(_ctx, sub) {
  const account = ACCOUNTS.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { sub, ...account };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Keys: one published RS256 key, and a foreign one that is never published.

function rsaJwk(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const signingJwk = rsaJwk(`longan-test-${crypto.randomBytes(6).toString('hex')}`);
const foreignKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/** The same JWT (header and claims unchanged, so the same kid) signed by the foreign key. */
function resignWithForeignKey(jwt) {
  const [header, payload] = jwt.split('.');
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), foreignKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

// ---------------------------------------------------------------------------------------------
// Storage: an in-memory adapter (like oidc-provider's MemoryAdapter, without its 1,000-entry
// LRU) that also indexes grants by account and implements the refresh-token reuse grace.

const store = new Map(); // `${model}:${id}` -> { payload, expiresAt (ms) }
const grantMembers = new Map(); // grantId -> Set of store keys
const grantsByAccount = new Map(); // accountId -> Set of grantIds
const rotations = new Map(); // refresh token id -> { consumedAt (ms), graceUsed }

function nowMs() {
  return Date.now();
}

function alive(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= nowMs()) {
    store.delete(key);
    return undefined;
  }
  return entry;
}

/** Is the current request a refresh_token grant at the token endpoint? */
function inRefreshGrant() {
  const ctx = Provider.ctx;
  return ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
}

class TestAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? nowMs() + expiresIn * 1000 : undefined;
    store.set(key, { payload, expiresAt });
    if (payload.grantId && this.model !== 'Grant') {
      if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
      grantMembers.get(payload.grantId).add(key);
    }
    if (this.model === 'Grant' && payload.accountId) {
      if (!grantsByAccount.has(payload.accountId)) grantsByAccount.set(payload.accountId, new Set());
      grantsByAccount.get(payload.accountId).add(id);
    }
    if (this.model === 'Session' && payload.uid) {
      store.set(`sessionUid:${payload.uid}`, { payload: id, expiresAt });
    }
    if (payload.userCode) {
      store.set(`userCode:${payload.userCode}`, { payload: id, expiresAt });
    }
  }

  async find(id) {
    const entry = alive(this.key(id));
    if (!entry) return undefined;
    const { payload } = entry;
    if (this.model === 'RefreshToken' && payload.consumed && inRefreshGrant()) {
      // The reuse grace: a rotated-away refresh token presented again within the grace gets
      // through once, as if it had not been consumed; the refresh handler then rotates it again.
      const rotation = rotations.get(id);
      if (
        rotation
        && !rotation.graceUsed
        && settings.reuseGrace > 0
        && nowMs() - rotation.consumedAt < settings.reuseGrace * 1000
      ) {
        rotation.graceUsed = true;
        const { consumed: _consumed, ...unconsumed } = payload;
        return { ...unconsumed };
      }
    }
    return { ...payload };
  }

  async findByUid(uid) {
    const entry = alive(`sessionUid:${uid}`);
    return entry ? this.find(entry.payload) : undefined;
  }

  async findByUserCode(userCode) {
    const entry = alive(`userCode:${userCode}`);
    return entry ? this.find(entry.payload) : undefined;
  }

  async consume(id) {
    const entry = alive(this.key(id));
    if (!entry) return;
    if (this.model === 'RefreshToken' && !rotations.has(id)) {
      rotations.set(id, { consumedAt: nowMs(), graceUsed: false });
    }
    // A second consume (after a grace reuse) keeps the first time.
    entry.payload.consumed ??= Math.floor(nowMs() / 1000);
  }

  async destroy(id) {
    const key = this.key(id);
    const entry = store.get(key);
    store.delete(key);
    rotations.delete(id);
    if (entry?.payload?.grantId) grantMembers.get(entry.payload.grantId)?.delete(key);
    if (this.model === 'Grant' && entry?.payload?.accountId) {
      grantsByAccount.get(entry.payload.accountId)?.delete(id);
    }
  }

  async revokeByGrantId(grantId) {
    const members = grantMembers.get(grantId);
    if (!members) return;
    for (const key of [...members]) {
      if (key.startsWith(`${this.model}:`)) {
        store.delete(key);
        members.delete(key);
        rotations.delete(key.slice(this.model.length + 1));
      }
    }
    if (members.size === 0) grantMembers.delete(grantId);
  }
}

/** Revokes every grant of `sub` and every token issued under them; returns how many grants. */
async function revokeGrantsOf(sub) {
  const grantIds = [...(grantsByAccount.get(sub) ?? [])];
  for (const grantId of grantIds) {
    for (const model of ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
      'BackchannelAuthenticationRequest']) {
      await new TestAdapter(model).revokeByGrantId(grantId);
    }
    await new TestAdapter('Grant').destroy(grantId);
  }
  return grantIds.length;
}

// ---------------------------------------------------------------------------------------------
// Pages: plain, no external resources.

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

// ---------------------------------------------------------------------------------------------
// The provider

const ISSUER_PLACEHOLDER = `http://${HOST}`;

const configuration = {
  adapter: TestAdapter,
  findAccount,
  clients: [
    {
      client_id: 'longan-app',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['vn.gov.longanso:/oauth2redirect', 'http://127.0.0.1/callback'],
      post_logout_redirect_uris: ['vn.gov.longanso:/logout', 'http://127.0.0.1/logout'],
      scope: 'openid profile offline_access',
    },
    {
      client_id: 'longan-portal',
      client_secret: 'portal-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  claims: {
    openid: ['sub'],
    profile: ['name', 'applicant_ref'],
  },
  scopes: ['openid', 'profile', 'offline_access'],
  responseTypes: ['code'],
  // Scope claims go into the ID token of the code flow too, not only into userinfo.
  conformIdTokenClaims: false,
  cookies: {
    keys: ['longan-oidc-test-cookie-key-1', 'longan-oidc-test-cookie-key-0'],
  },
  jwks: { keys: [signingJwk] },
  proxy: false,
  pkce: {
    required: () => true,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: false },
    revocation: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId
        || client.clientId === 'longan-portal',
    },
    introspection: {
      enabled: true,
      // A confidential client (longan-portal, the resource server) may introspect tokens of
      // any client; a public client only its own.
      allowedPolicy: async (_ctx, client, token) => client.clientAuthMethod !== 'none'
        || token.clientId === client.clientId,
    },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<p>signed out</p>');
      },
    },
    userinfo: { enabled: true },
  },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client, source) => client.grantTypeAllowed('refresh_token')
    && source.scopes.has('offline_access'),
  ttl: {
    AccessToken: () => settings.accessTtl,
    AuthorizationCode: 60,
    IdToken: 300,
    RefreshToken: 14 * 24 * 60 * 60,
    Grant: 14 * 24 * 60 * 60,
    Session: 14 * 24 * 60 * 60,
    Interaction: 10 * 60,
  },
  interactions: {
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  clientBasedCORS: () => false,
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>oidc error</h1><p id="error">${escapeHtml(out.error)}</p><p id="error_description">${escapeHtml(out.error_description ?? '')}</p>`);
  },
};

// The issuer needs the port, which we know only once we listen: bind first, then build.

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(PORT, HOST, resolve);
});
// OIDC_ISSUER puts the provider behind a proxy (the fault proxy of the login tests): it listens
// on PORT and names itself by the proxy's address.
const ISSUER = env.OIDC_ISSUER?.replace(/\/$/, '') || `${ISSUER_PLACEHOLDER}:${server.address().port}`;

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;

provider.on('server_error', (_ctx, err) => {
  console.error(`provider: server_error: ${err?.message ?? err}`);
});

// ---------------------------------------------------------------------------------------------
// The automatic interaction: sign in `login_hint` (default citizen-1), grant what was asked.

async function interaction(ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  const hint = params.login_hint || 'citizen-1';
  let result;
  if (hint === 'refuse') {
    result = { error: 'access_denied', error_description: 'the test user refused' };
  } else if (prompt.name === 'login') {
    if (!ACCOUNTS.has(hint)) {
      result = { error: 'access_denied', error_description: `no test account ${hint}` };
    } else {
      result = { login: { accountId: hint } };
    }
  } else if (prompt.name === 'consent') {
    const accountId = session?.accountId ?? hint;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope('openid profile offline_access');
    const missing = prompt.details ?? {};
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    result = { consent: { grantId } };
  } else {
    result = { error: 'access_denied', error_description: `unsupported prompt ${prompt.name}` };
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

// ---------------------------------------------------------------------------------------------
// The server-side browser of /test/browse.

const MAX_HOPS = 20;

function isFinalRedirect(location) {
  if (location.startsWith('vn.gov.longanso:')) return true;
  return /^http:\/\/127\.0\.0\.1(:\d+)?\/(callback|logout)([?#/]|$)/.test(location);
}

class CookieJar {
  constructor() {
    this.cookies = new Map(); // `${name};${path}` -> { name, value, path }
  }

  store(url, setCookies) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [k, v = ''] = attribute.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path') path = v.trim() || '/';
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${name};${path}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(url) {
    const matching = [...this.cookies.values()]
      .filter(({ path }) => url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map(({ name, value }) => `${name}=${value}`).join('; ');
  }
}

function unescapeHtml(text) {
  return text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCharCode(Number.parseInt(code, 16)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(html) {
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
}

/** Follows `start` like a browser; returns [status, text]. */
async function browse(start) {
  const jar = new CookieJar();
  let url = new URL(start);
  let method = 'GET';
  let body;
  for (let hop = 0; hop <= MAX_HOPS; hop += 1) {
    const headers = { accept: 'text/html' };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    jar.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      if (isFinalRedirect(location)) return [200, location];
      url = new URL(location, url);
      if (url.origin !== ISSUER) {
        return [502, `browse: redirected away from the provider to ${url.origin}${url.pathname}`];
      }
      method = 'GET';
      body = undefined;
      continue;
    }
    const text = await response.text();
    // A page with a POST form: the logout confirmation (a user pressing "Sign out") or an
    // auto-submitting form_post page. Submit it with its hidden inputs.
    const form = /<form[^>]*method="post"[^>]*>/i.exec(text);
    const action = form && /action="([^"]*)"/.exec(form[0])?.[1];
    if (response.status === 200 && action) {
      const fields = new URLSearchParams();
      for (const input of text.matchAll(/<input[^>]*>/g)) {
        const name = /name="([^"]*)"/.exec(input[0])?.[1];
        const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
        if (name) fields.set(unescapeHtml(name), unescapeHtml(value));
      }
      if (form[0].includes('op.logoutForm')) fields.set('logout', 'yes');
      url = new URL(unescapeHtml(action), url);
      if (url.origin !== ISSUER) {
        return [502, `browse: a form posts away from the provider to ${url.origin}${url.pathname}`];
      }
      method = 'POST';
      body = fields.toString();
      continue;
    }
    return [502, `browse: stopped at ${url.pathname} with HTTP ${response.status}: ${textOf(text)}`];
  }
  return [502, `browse: more than ${MAX_HOPS} redirects`];
}

// ---------------------------------------------------------------------------------------------
// The one-call login of /test/login: the app's whole authorization-code + PKCE flow, server-side.

const APP_CLIENT_ID = 'longan-app';
const APP_REDIRECT_URI = 'vn.gov.longanso:/oauth2redirect';
const APP_SCOPE = 'openid profile offline_access';

function randomUrlSafe(bytes) {
  return crypto.randomBytes(bytes).toString('base64url');
}

/**
 * Signs `sub` in as the app would (authorization request with PKCE S256 and prompt=consent,
 * through the browser of /test/browse, then the code exchange at the token endpoint); returns
 * [status, body]: 200 with the token endpoint's JSON, else 502 with an explanation.
 */
async function login(sub) {
  const verifier = randomUrlSafe(32);
  const state = randomUrlSafe(12);
  const authorization = new URL(`${ISSUER}/auth`);
  authorization.search = new URLSearchParams({
    client_id: APP_CLIENT_ID,
    response_type: 'code',
    redirect_uri: APP_REDIRECT_URI,
    scope: APP_SCOPE,
    state,
    nonce: randomUrlSafe(12),
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    prompt: 'consent',
    login_hint: sub,
  }).toString();
  const [status, location] = await browse(authorization.href);
  if (status !== 200) return [502, `login: ${location}`];
  const query = new URLSearchParams(location.split('?')[1] ?? '');
  if (query.get('error')) return [502, `login: the provider refused: ${query.get('error')}`];
  const code = query.get('code');
  if (!code || query.get('state') !== state) return [502, 'login: no code, or a wrong state'];
  const response = await fetch(`${ISSUER}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP_REDIRECT_URI,
      client_id: APP_CLIENT_ID,
      code_verifier: verifier,
    }).toString(),
  });
  const text = await response.text();
  if (response.status !== 200) return [502, `login: the token endpoint answered HTTP ${response.status}`];
  return [200, text];
}

// ---------------------------------------------------------------------------------------------
// Test control and counting.

function seconds(ctx) {
  const raw = ctx.query.seconds;
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0) {
    ctx.throw(400, 'seconds must be a non-negative number');
  }
  return value;
}

function json(ctx, value) {
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(value);
}

async function testControl(ctx) {
  const route = `${ctx.method} ${ctx.path}`;
  switch (route) {
    case 'GET /test/counts':
      return json(ctx, counts);
    case 'POST /test/counts/reset':
      for (const key of Object.keys(counts)) counts[key] = 0;
      return json(ctx, counts);
    case 'POST /test/reuse-grace':
      settings.reuseGrace = seconds(ctx);
      return json(ctx, { reuse_grace: settings.reuseGrace });
    case 'POST /test/access-ttl':
      settings.accessTtl = seconds(ctx);
      return json(ctx, { access_ttl: settings.accessTtl });
    case 'POST /test/foreign-key': {
      const on = ctx.query.on;
      if (on !== '1' && on !== '0') ctx.throw(400, 'on must be 1 or 0');
      settings.foreignKey = on === '1';
      return json(ctx, { foreign_key: settings.foreignKey });
    }
    case 'POST /test/revoke-grants': {
      const sub = ctx.query.sub;
      if (!sub) ctx.throw(400, 'sub is required');
      return json(ctx, { sub, revoked_grants: await revokeGrantsOf(sub) });
    }
    case 'GET /test/login': {
      const sub = ctx.query.sub;
      if (!sub) ctx.throw(400, 'sub is required');
      if (!ACCOUNTS.has(sub)) ctx.throw(400, `sub must be a test account (${[...ACCOUNTS.keys()].join(', ')})`);
      const [status, body] = await login(sub);
      ctx.status = status;
      ctx.type = status === 200 ? 'application/json' : 'text/plain; charset=utf-8';
      ctx.body = body;
      return undefined;
    }
    case 'GET /test/browse': {
      const target = ctx.query.url;
      if (!target) ctx.throw(400, 'url is required');
      let parsed;
      try {
        parsed = new URL(target);
      } catch {
        ctx.throw(400, 'url is not a URL');
      }
      if (parsed.origin !== ISSUER) ctx.throw(400, `url must be on ${ISSUER}`);
      const [status, text] = await browse(parsed.href);
      ctx.status = status;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = text;
      return undefined;
    }
    default:
      ctx.throw(404, `no test endpoint ${route}`);
  }
  return undefined;
}

provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/test/') && TEST_CONTROL) {
    try {
      await testControl(ctx);
    } catch (err) {
      ctx.status = err.status ?? 500;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = err.expose ? err.message : 'internal error';
      if (!err.expose) console.error(`provider: ${ctx.path}: ${err.message}`);
    }
    return;
  }
  const interactionPath = /^\/interaction\/[^/]+$/.exec(ctx.path);
  if (interactionPath && ctx.method === 'GET') {
    await interaction(ctx);
    return;
  }

  const post = ctx.method === 'POST';
  if (post && ctx.path === '/token') counts.token_requests += 1;
  if (post && ctx.path === '/token/introspection') counts.introspections += 1;
  if (post && ctx.path === '/token/revocation') counts.revocations += 1;

  await next();

  if (post && ctx.path === '/token') {
    if (ctx.oidc?.params?.grant_type === 'refresh_token') counts.refresh_requests += 1;
    if (settings.foreignKey && ctx.status === 200 && ctx.body && typeof ctx.body === 'object'
      && typeof ctx.body.id_token === 'string') {
      ctx.body = { ...ctx.body, id_token: resignWithForeignKey(ctx.body.id_token) };
    }
  }
});

server.on('request', provider.callback());
process.stdout.write(`listening on ${ISSUER}\n`);

function shutdown() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
