// A real OpenID Connect provider for Followthrough's tests: oidc-provider (OpenID Certified), pinned
// in package.json / package-lock.json beside this file, configured with test users, groups and
// clients from a JSON file, served on 127.0.0.1 only.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"port": 0, "control_token": "...", "users": [{"id", "password", "email",
//          "email_verified", "name", "groups"}], "clients": [{client metadata...}]}
//
// Once listening it prints one JSON line on stdout: {"issuer": "http://127.0.0.1:PORT", "port": PORT}.
//
// What it does beyond the library's defaults, and why:
// * PKCE is required for every client (the library requires it only for public clients), so a
//   relying party that forgets it is refused.
// * ID tokens carry the scope's claims (conformIdTokenClaims: false): email, email_verified, name
//   and groups are in the ID token, as Okta, Entra ID and Google put them.
// * ID token lifetime per client: client metadata `x_id_token_ttl` (seconds, default 3600), so a
//   test can get a token that expires at once.
// * A login form that checks the test users' passwords, and consent granted at once (a first-party
//   app); "Cancel" on the form refuses the sign-in with access_denied, as a provider does.
// * Test-only control routes, guarded by CONFIG.control_token as a bearer token:
//   POST /__test/rotate-keys: sign with a new key from now on, still publishing the old one.
//   Dynamic client registration (POST /reg, RFC 7591) uses the same token as its initial access
//   token, so tests can register clients whose redirect URIs they learn at run time.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';
// The library's own in-memory adapter, made once and shared by every Provider instance this
// process builds, so clients, grants and sessions survive a key rotation (a new instance).
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = new Map(config.users.map((u) => [u.id, u]));
const controlToken = config.control_token;
const cookieKeys = [randomBytes(32).toString('hex')];

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

let signingKeys = [newSigningKey()];
const sharedAdapter = createMemoryAdapter(0);

function html(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function findAccount(_ctx, id) {
  const user = users.get(id);
  if (!user) return undefined;
  return {
    accountId: id,
    async claims() {
      const claims = { sub: id, name: user.name };
      if (user.email !== undefined) claims.email = user.email;
      if (user.email_verified !== undefined) claims.email_verified = user.email_verified;
      if (user.groups !== undefined) claims.groups = user.groups;
      return claims;
    },
  };
}

function buildProvider(issuer) {
  const provider = new Provider(issuer, {
    adapter: sharedAdapter,
    clients: config.clients,
    findAccount,
    jwks: { keys: signingKeys },
    cookies: { keys: cookieKeys },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    extraClientMetadata: { properties: ['x_id_token_ttl'] },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: controlToken },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 120,
      ClientCredentials: 600,
      Grant: 3600,
      IdToken: (_ctx, _token, client) => Number(client?.x_id_token_ttl ?? 3600),
      Interaction: 600,
      RefreshToken: 3600,
      Session: 3600,
    },
  });
  // Behind nothing: the tests talk to it directly over http on loopback.
  provider.proxy = false;
  return provider;
}

function loginPage(uid, clientId, error) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body><h1>Sign in to the test provider</h1><p>for ${html(clientId)}</p>
${error ? `<p role="alert" id="error">${html(error)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}/login">
<label>User <input name="login" id="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<button type="submit" id="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${html(uid)}/abort"><button type="submit" id="cancel">Cancel</button></form>
</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function interaction(provider, req, res, url) {
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
  const { prompt, params, session } = details;
  if (action === 'abort' && req.method === 'POST') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The person cancelled the sign-in.',
    }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'login') {
    if (action === 'login' && req.method === 'POST') {
      const form = await readForm(req);
      const user = users.get(form.get('login') ?? '');
      if (!user || user.password !== form.get('password')) {
        return send(res, 401, loginPage(uid, params.client_id, 'Unknown user or wrong password.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: user.id } }, {
        mergeWithLastSubmission: false,
      });
    }
    return send(res, 200, loginPage(uid, params.client_id, ''));
  }
  if (prompt.name === 'consent') {
    // A first-party app: grant what was asked without a consent screen.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, {
      mergeWithLastSubmission: true,
    });
  }
  return send(res, 501, `prompt ${html(prompt.name)} is not implemented here`);
}

function authorized(req) {
  return req.headers.authorization === `Bearer ${controlToken}`;
}

let provider;
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(provider, req, res, url);
      return;
    }
    if (url.pathname === '/__test/rotate-keys' && req.method === 'POST') {
      if (!authorized(req)) return send(res, 401, '{"error":"unauthorized"}', 'application/json');
      // A new provider instance with the new key first (it signs with the first RS256 key) and
      // the old one still published. Clients, grants and sessions live in the shared memory
      // adapter, so they survive the swap.
      signingKeys = [newSigningKey(), ...signingKeys].slice(0, 3);
      provider = buildProvider(provider.issuer);
      return send(res, 200, JSON.stringify({ kid: signingKeys[0].kid }), 'application/json');
    }
    provider.callback()(req, res);
  } catch (err) {
    if (!res.headersSent) send(res, 500, html(err?.message ?? err), 'text/plain; charset=utf-8');
  }
});

server.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = buildProvider(`http://127.0.0.1:${port}`);
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer, port })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
