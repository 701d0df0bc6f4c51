// Self-test of the OIDC test provider: starts provider.mjs as a child and walks through what the
// end-to-end tests rely on. Node built-ins only.
//
//   node tests/oidc/selftest.mjs
//
// Exits 0 when every check passed, 1 with the failed check's message otherwise.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = 'longan-app';
const PORTAL_AUTH = `Basic ${Buffer.from('longan-portal:portal-secret').toString('base64')}`;
const LOOPBACK_REDIRECT = 'http://127.0.0.1:54321/callback';
const APP_REDIRECT = 'vn.gov.longanso:/oauth2redirect';

let passed = 0;
let child;
let providerStderr = '';

class CheckFailed extends Error {}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
  passed += 1;
}

function equal(actual, expected, message) {
  check(actual === expected, `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function startProvider() {
  child = spawn(process.execPath, [path.join(here, 'provider.mjs')], {
    env: { ...process.env, PORT: '0', OIDC_TEST_CONTROL: '1', OIDC_REUSE_GRACE: '', OIDC_ACCESS_TTL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (chunk) => { providerStderr += chunk; });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => { lines.once('line', resolve); }),
    new Promise((resolve) => { child.once('exit', () => resolve(undefined)); }),
    new Promise((resolve) => { setTimeout(() => resolve(undefined), 20000).unref(); }),
  ]);
  if (!first || !first.startsWith('listening on ')) {
    throw new CheckFailed(`the provider did not start (first line ${JSON.stringify(first)}); stderr:\n${providerStderr}`);
  }
  return first.slice('listening on '.length);
}

function base64url(buffer) {
  return Buffer.from(buffer).toString('base64url');
}

function decodeJwt(jwt) {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

function signatureValid(jwt, jwks) {
  const [header, payload, signature] = jwt.split('.');
  const { kid } = decodeJwt(jwt).header;
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  return crypto.verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
}

async function main() {
  const issuer = await startProvider();
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(issuer), `the issuer is http://127.0.0.1:PORT, not ${issuer}`);

  const get = async (url, headers = {}) => fetch(new URL(url, issuer), { headers });
  const post = async (url, form, headers = {}) => fetch(new URL(url, issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const control = async (url) => {
    const response = await post(url);
    equal(response.status, 200, `POST ${url}`);
    return response.json();
  };

  // Discovery and keys.
  const discovery = await (await get('/.well-known/openid-configuration')).json();
  equal(discovery.issuer, issuer, 'discovery issuer');
  for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint',
    'introspection_endpoint', 'revocation_endpoint', 'end_session_endpoint']) {
    check(typeof discovery[endpoint] === 'string', `discovery has ${endpoint}`);
  }
  check(discovery.code_challenge_methods_supported?.includes('S256'), 'S256 is supported');
  check(discovery.claims_supported?.includes('applicant_ref'), 'applicant_ref is a supported claim');
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  check(jwks.keys.length === 1 && jwks.keys[0].kty === 'RSA' && !('d' in jwks.keys[0]),
    'the JWKS publishes one public RSA key');

  await control('/test/counts/reset');
  const expected = { token_requests: 0, refresh_requests: 0, introspections: 0, revocations: 0 };

  const browse = async (authorizationUrl) => {
    const response = await get(`/test/browse?url=${encodeURIComponent(authorizationUrl)}`);
    return [response.status, await response.text()];
  };

  const authorizationUrl = (extra = {}) => {
    const verifier = base64url(crypto.randomBytes(32));
    const params = {
      client_id: CLIENT,
      response_type: 'code',
      redirect_uri: LOOPBACK_REDIRECT,
      scope: 'openid profile offline_access',
      state: base64url(crypto.randomBytes(12)),
      nonce: base64url(crypto.randomBytes(12)),
      code_challenge: base64url(crypto.createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
      prompt: 'consent',
      ...extra,
    };
    for (const [key, value] of Object.entries(params)) if (value === undefined) delete params[key];
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams(params).toString();
    return { url: url.href, verifier, params };
  };

  const tokenRequest = async (form) => {
    expected.token_requests += 1;
    if (form.grant_type === 'refresh_token') expected.refresh_requests += 1;
    const response = await post(discovery.token_endpoint, { client_id: CLIENT, ...form });
    return [response.status, await response.json()];
  };

  const refresh = (refreshToken) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });

  /** A full login; returns the token response. */
  const login = async (extra = {}) => {
    const { url, verifier, params } = authorizationUrl(extra);
    const [status, final] = await browse(url);
    equal(status, 200, `browse answers 200 (${final})`);
    check(final.startsWith(params.redirect_uri), `browse ends on the redirect URI, not ${final}`);
    const redirect = new URL(final);
    equal(redirect.searchParams.get('state'), params.state, 'the state comes back');
    equal(redirect.searchParams.get('iss'), issuer, 'the iss parameter (RFC 9207) comes back');
    const code = redirect.searchParams.get('code');
    check(code, `a code came back in ${final}`);
    const [tokenStatus, tokens] = await tokenRequest({
      grant_type: 'authorization_code', code, redirect_uri: params.redirect_uri, code_verifier: verifier,
    });
    equal(tokenStatus, 200, `the code exchange succeeds (${JSON.stringify(tokens)})`);
    return { tokens, params };
  };

  // 1. Authorization code + PKCE S256 through /test/browse, on a loopback redirect with a port.
  const { tokens: first, params: firstParams } = await login({ login_hint: 'citizen-2' });
  check(typeof first.access_token === 'string', 'an access token came back');
  check(first.access_token.split('.').length === 1, 'the access token is opaque');
  equal(first.token_type, 'Bearer', 'token_type');
  equal(first.expires_in, 300, 'the access token lives OIDC_ACCESS_TTL (300) seconds');
  check(typeof first.id_token === 'string', 'an ID token came back');
  check(typeof first.refresh_token === 'string', 'a refresh token came back (offline_access + prompt=consent)');
  check(first.scope.split(' ').includes('offline_access'), `offline_access was granted (${first.scope})`);
  check(signatureValid(first.id_token, jwks), 'the ID token verifies against the JWKS');
  const idToken = decodeJwt(first.id_token);
  equal(idToken.header.alg, 'RS256', 'ID token alg');
  equal(idToken.payload.iss, issuer, 'ID token iss');
  equal(idToken.payload.aud, CLIENT, 'ID token aud');
  equal(idToken.payload.sub, 'citizen-2', 'ID token sub (login_hint)');
  equal(idToken.payload.nonce, firstParams.nonce, 'ID token nonce');
  equal(idToken.payload.name, 'Lê Văn Hùng', 'ID token name');
  equal(idToken.payload.applicant_ref, 'A-0002', 'ID token applicant_ref');
  equal(idToken.payload.exp - idToken.payload.iat, 300, 'ID token lifetime');

  const userinfo = await (await get(discovery.userinfo_endpoint, { authorization: `Bearer ${first.access_token}` })).json();
  equal(userinfo.sub, 'citizen-2', 'userinfo sub');
  equal(userinfo.name, 'Lê Văn Hùng', 'userinfo name');
  equal(userinfo.applicant_ref, 'A-0002', 'userinfo applicant_ref');

  // 2. The app's custom-scheme redirect, and the default account.
  {
    const { tokens } = await login({ redirect_uri: APP_REDIRECT });
    equal(decodeJwt(tokens.id_token).payload.sub, 'citizen-1', 'the default account is citizen-1');
  }

  // 3. Rotation: a refresh gives a new refresh token; reusing the old one fails and revokes.
  const [refreshStatus, refreshed] = await refresh(first.refresh_token);
  equal(refreshStatus, 200, `the refresh succeeds (${JSON.stringify(refreshed)})`);
  check(refreshed.refresh_token && refreshed.refresh_token !== first.refresh_token, 'the refresh token rotated');
  check(refreshed.id_token && signatureValid(refreshed.id_token, jwks), 'the refresh brings a valid ID token');
  {
    const [status, body] = await refresh(first.refresh_token);
    equal(status, 400, 'reusing a rotated refresh token fails');
    equal(body.error, 'invalid_grant', 'reusing a rotated refresh token');
    const [afterStatus, after] = await refresh(refreshed.refresh_token);
    check(afterStatus === 400 && after.error === 'invalid_grant', 'the reuse revoked the grant: its newest refresh token is dead too');
  }

  // 4. Reuse grace: within the grace a rotated token works once more, then the old rule holds.
  {
    equal((await control('/test/reuse-grace?seconds=30')).reuse_grace, 30, 'reuse grace set');
    const { tokens } = await login();
    const [s1, r1] = await refresh(tokens.refresh_token);
    equal(s1, 200, 'refresh in grace mode');
    const [s2, r2] = await refresh(tokens.refresh_token);
    equal(s2, 200, `reuse within the grace succeeds (${JSON.stringify(r2)})`);
    check(r2.refresh_token && r2.refresh_token !== r1.refresh_token && r2.refresh_token !== tokens.refresh_token,
      'the grace reuse yields a new refresh token');
    check(r2.access_token && r2.id_token, 'the grace reuse yields a full token set');
    const [s3, r3] = await refresh(r1.refresh_token);
    equal(s3, 200, `the token rotated to in the first refresh still works (${JSON.stringify(r3)})`);
    const [s4, r4] = await refresh(tokens.refresh_token);
    check(s4 === 400 && r4.error === 'invalid_grant', 'a second reuse within the grace fails with invalid_grant');
    equal((await control('/test/reuse-grace?seconds=0')).reuse_grace, 0, 'reuse grace off');
    const { tokens: t2 } = await login();
    await refresh(t2.refresh_token);
    const [s5, r5] = await refresh(t2.refresh_token);
    check(s5 === 400 && r5.error === 'invalid_grant', 'with the grace off again, reuse fails');
  }

  // 5. Introspection by longan-portal, revocation by the app.
  {
    const { tokens } = await login({ login_hint: 'citizen-3' });
    const introspect = async (token) => {
      expected.introspections += 1;
      const response = await post(discovery.introspection_endpoint, { token }, { authorization: PORTAL_AUTH });
      equal(response.status, 200, 'introspection answers 200');
      return response.json();
    };
    const live = await introspect(tokens.access_token);
    equal(live.active, true, 'a fresh access token is active');
    equal(live.client_id, CLIENT, 'introspection client_id');
    equal(live.sub, 'citizen-3', 'introspection sub');
    expected.revocations += 1;
    const revoked = await post(discovery.revocation_endpoint, {
      token: tokens.access_token, token_type_hint: 'access_token', client_id: CLIENT,
    });
    equal(revoked.status, 200, 'the app revokes its access token');
    equal((await introspect(tokens.access_token)).active, false, 'a revoked access token is inactive');
    // oidc-provider revokes every token of the grant, whichever of them is revoked.
    equal((await introspect(tokens.refresh_token)).active, false, 'revoking the access token revokes its refresh token too');
    const { tokens: other } = await login({ login_hint: 'citizen-3' });
    equal((await introspect(other.refresh_token)).active, true, 'a fresh refresh token is active');
    expected.revocations += 1;
    const revokedRefresh = await post(discovery.revocation_endpoint, { token: other.refresh_token, client_id: CLIENT });
    equal(revokedRefresh.status, 200, 'the app revokes its refresh token');
    equal((await introspect(other.refresh_token)).active, false, 'a revoked refresh token is inactive');
    equal((await introspect(other.access_token)).active, false, 'revoking the refresh token revokes its access token too');
    expected.introspections += 1;
    const wrongSecret = await post(discovery.introspection_endpoint, { token: tokens.access_token }, {
      authorization: `Basic ${Buffer.from('longan-portal:wrong').toString('base64')}`,
    });
    equal(wrongSecret.status, 401, 'introspection with a wrong secret');
  }

  // 6. The foreign key: ID tokens signed by a key not in the JWKS, until switched off.
  {
    equal((await control('/test/foreign-key?on=1')).foreign_key, true, 'foreign key on');
    const { tokens } = await login();
    check(!signatureValid(tokens.id_token, jwks), 'with the foreign key, the ID token does not verify');
    equal(decodeJwt(tokens.id_token).header.kid, jwks.keys[0].kid, 'the foreign-signed ID token names the published kid');
    const [, refreshedForeign] = await refresh(tokens.refresh_token);
    check(!signatureValid(refreshedForeign.id_token, jwks), 'refreshed ID tokens are foreign-signed too');
    equal((await control('/test/foreign-key?on=0')).foreign_key, false, 'foreign key off');
    const [, back] = await refresh(refreshedForeign.refresh_token);
    check(signatureValid(back.id_token, jwks), 'with the foreign key off, ID tokens verify again');
  }

  // 7. Access token lifetime at run time.
  {
    equal((await control('/test/access-ttl?seconds=7')).access_ttl, 7, 'access TTL set');
    const { tokens } = await login();
    equal(tokens.expires_in, 7, 'the access token lifetime follows /test/access-ttl');
    await control('/test/access-ttl?seconds=300');
  }

  // 8. Revoking every grant of an account.
  {
    const { tokens } = await login({ login_hint: 'citizen-3' });
    const answer = await control('/test/revoke-grants?sub=citizen-3');
    check(answer.revoked_grants >= 1, `revoke-grants revoked ${answer.revoked_grants} grants`);
    const [status, body] = await refresh(tokens.refresh_token);
    check(status === 400 && body.error === 'invalid_grant', 'after revoke-grants the refresh fails with invalid_grant');
  }

  // 9. Refusals and PKCE enforcement end on the redirect URI with an error.
  {
    const { url } = authorizationUrl({ login_hint: 'refuse' });
    const [status, final] = await browse(url);
    equal(status, 200, 'browse of a refused login answers 200');
    equal(new URL(final).searchParams.get('error'), 'access_denied', 'login_hint=refuse');
    const noPkce = authorizationUrl({ code_challenge: undefined, code_challenge_method: undefined });
    const [s2, f2] = await browse(noPkce.url);
    equal(s2, 200, 'browse of a request without PKCE answers 200');
    equal(new URL(f2).searchParams.get('error'), 'invalid_request', 'PKCE is required');
    const plain = authorizationUrl({ code_challenge_method: 'plain' });
    const [, f3] = await browse(plain.url);
    equal(new URL(f3).searchParams.get('error'), 'invalid_request', 'PKCE plain is refused');
    const badRedirect = authorizationUrl({ redirect_uri: 'http://127.0.0.1:1/elsewhere' });
    const [s4, f4] = await browse(badRedirect.url);
    equal(s4, 502, `browse of an unregistered redirect_uri answers 502 (${f4})`);
    check(f4.includes('redirect_uri'), `the 502 explains (${f4})`);
  }

  // 10. Logout through the browser, with a registered post-logout redirect.
  {
    const { tokens } = await login();
    const url = new URL(discovery.end_session_endpoint);
    url.search = new URLSearchParams({
      id_token_hint: tokens.id_token, post_logout_redirect_uri: 'vn.gov.longanso:/logout', state: 'bye',
    }).toString();
    const [status, final] = await browse(url.href);
    equal(status, 200, `browse of end_session answers 200 (${final})`);
    check(final.startsWith('vn.gov.longanso:/logout') && final.includes('state=bye'), `end_session ends on the post-logout URI (${final})`);
  }

  // 11. The counters.
  const counts = await (await get('/test/counts')).json();
  check(JSON.stringify(counts) === JSON.stringify(expected),
    `/test/counts: expected ${JSON.stringify(expected)}, got ${JSON.stringify(counts)}`);
  const reset = await control('/test/counts/reset');
  check(Object.values(reset).every((value) => value === 0), 'the counters reset');
}

try {
  await main();
  if (process.env.OIDC_SELFTEST_VERBOSE) console.error(`provider stderr:\n${providerStderr}`);
  console.log(`oidc selftest: ${passed} passed, 0 failed`);
  process.exitCode = 0;
} catch (err) {
  console.error(`oidc selftest: FAILED: ${err instanceof CheckFailed ? err.message : err.stack}`);
  if (providerStderr) console.error(`provider stderr:\n${providerStderr}`);
  console.log(`oidc selftest: ${passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  child?.kill();
}
