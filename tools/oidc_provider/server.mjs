// A local OpenID provider for development and tests: the OpenID-certified `oidc-provider`
// from npm, with small login and consent pages of its own (no mock of the protocol).
//
//   node tools/oidc_provider/server.mjs CONFIG.json
//
// CONFIG.json: {"issuer": "http://127.0.0.1:9400", "port": 9400,
//               "jwks": {"keys": [private JWKs]}            (optional: one RSA key is made),
//               "clients": [oidc-provider client metadata, …],
//               "accounts": {"login": {"password": "…", "amr": ["pwd", "mfa"], "acr": "…",
//                                      "claims": {"name": "…", "email": "…", …}}}}
// The accounts are synthetic. Prints "ready <issuer>" when it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { URL } from 'node:url';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts || {};

function signingKeys() {
  if (config.jwks) return config.jwks;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' }] };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
label,input,button{display:block;margin:.4rem 0}input{padding:.4rem;width:100%}
button{padding:.5rem 1rem}.error{color:#a00}</style></head>
<body><p>Lokal testleverandør / local test provider</p><h1>${escape(title)}</h1>${body}</body></html>`;
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: signingKeys(),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...(account.claims || {}) }; } };
  },
  claims: {
    openid: ['sub', 'oid', 'pid', 'acr', 'amr', 'auth_time'], // as Entra ID and ID-porten send them
    email: ['email', 'email_verified'],
    profile: ['name'],
    acr: null, amr: null, auth_time: null, sid: null,
  },
  conformIdTokenClaims: false, // the scope's claims go into the ID token (as Entra ID and ID-porten do)
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  responseTypes: ['code'],
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Logg ut / Sign out', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Logg ut / Sign out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Logget ut / Signed out', '<p>Du er logget ut.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Feil / Error', `<p class="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
});

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(uid, error) {
  return page('Logg inn / Sign in', `${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Brukernavn / Username</label><input id="login" name="login" autocomplete="username" required>
<label for="password">Passord / Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Logg inn / Sign in</button></form>`);
}

function consentPage(uid, client, scopes) {
  return page('Samtykke / Consent', `<p>${escape(client)} ber om / asks for: ${escape(scopes.join(' '))}</p>
<form method="post" action="/interaction/${escape(uid)}/confirm"><button type="submit">Godta / Allow</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Avbryt / Cancel</button></form>`);
}

async function interaction(req, res, parts) {
  const details = await provider.interactionDetails(req, res);
  const [uid, step] = [parts[0], parts[1]];
  const send = (html, status = 200) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  };
  if (req.method === 'GET' && !step) {
    if (details.prompt.name === 'login') return send(loginPage(uid));
    const scopes = [...(details.prompt.details.missingOIDCScope || [])];
    return send(consentPage(uid, details.params.client_id, scopes));
  }
  if (req.method !== 'POST') return send('method not allowed', 405);
  const form = await formBody(req);
  if (step === 'login') {
    const account = accounts[form.get('login')];
    if (!account || account.password !== form.get('password')) {
      return send(loginPage(uid, 'Feil brukernavn eller passord. / Wrong username or password.'), 401);
    }
    const login = { accountId: form.get('login'), amr: account.amr || ['pwd'] };
    if (account.acr) login.acr = account.acr;
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  if (step === 'confirm') {
    const { prompt: { details: missing }, params, session } = details;
    const grant = details.grantId ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (step === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'cancelled' },
      { mergeWithLastSubmission: false });
  }
  return send('not found', 404);
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const path = new URL(req.url, config.issuer).pathname.split('/').filter(Boolean);
  if (path[0] === 'interaction' && path[1]) {
    interaction(req, res, path.slice(1)).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Feil / Error', `<p class="error">${escape(error.name)}</p>`));
    });
    return;
  }
  callback(req, res);
});
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
