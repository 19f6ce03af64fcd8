'use strict';
// What the tests share: the app under appTester, the live service started by test/harness.py
// (its address and the OAuth client in the environment), a browser stand-in that signs a Kazoo
// user in and consents, a catch server standing in for hooks.zapier.com, and the simulator.

const crypto = require('crypto');
const http = require('http');
const zapier = require('zapier-platform-core');

const App = require('../index');

const appTester = zapier.createAppTester(App);

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with zapier/test/harness.py`);
  return value;
};

const BASE_URL = need('BASE_URL');
const REDIRECT_URI = need('REDIRECT_URI');
const SIMULATOR_URL = need('SIMULATOR_URL');
const DEMO_ACCOUNT = 'Demo Company';
const DEMO_PASSWORD = 'demo-password';

// --- waiting for conditions, bounded ------------------------------------------------------------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (check, what, { timeout = 30000, every = 200 } = {}) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
};

// --- the browser: the OAuth authorize flow with plain HTTP --------------------------------------
class Browser {
  constructor() {
    this.cookies = new Map();
  }

  async request(url, { method = 'GET', form } = {}) {
    const headers = { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body;
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }
}

// The <input name value> pairs of a page's forms, first value per name.
const formInputs = (html) => {
  const inputs = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(tag);
    const value = /\bvalue="([^"]*)"/i.exec(tag);
    if (name && !(name[1] in inputs)) {
      inputs[name[1]] = value ? value[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'") : '';
    }
  }
  return inputs;
};

const base64url = (buffer) => buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// PKCE as Zapier does it: a verifier kept back, its S256 challenge on the authorize URL.
const pkcePair = () => {
  const verifier = base64url(crypto.randomBytes(48));
  const challenge = base64url(crypto.createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
};

// The user's part: Zapier's authorize URL -> branded sign-in -> consent -> back to Zapier with
// a code. Returns the redirect's query (code, state) and the PKCE verifier Zapier would hold.
const authorize = async (username, { password = DEMO_PASSWORD } = {}) => {
  const state = base64url(crypto.randomBytes(12));
  const url = await appTester(App.authentication.oauth2Config.authorizeUrl, {
    inputData: { state, redirect_uri: REDIRECT_URI },
  });
  const pkce = pkcePair();
  const authorizeUrl = `${url}&code_challenge=${pkce.challenge}&code_challenge_method=S256`;

  const browser = new Browser();
  let page = await browser.request(authorizeUrl);
  if (page.status !== 302) throw new Error(`authorize answered ${page.status}: ${page.text.slice(0, 300)}`);
  const loginUrl = new URL(page.location, BASE_URL).toString();
  page = await browser.request(loginUrl);
  const login = { ...formInputs(page.text), account_name: DEMO_ACCOUNT, username, password };
  page = await browser.request(loginUrl, { method: 'POST', form: login });
  if (page.status !== 302) throw new Error(`sign-in answered ${page.status}: ${page.text.slice(0, 300)}`);
  const consentUrl = new URL(page.location, BASE_URL).toString();
  page = await browser.request(consentUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  page = await browser.request(consentUrl, {
    method: 'POST',
    form: { ...formInputs(page.text), allow: 'Authorize' },
  });
  if (page.status !== 302 || !page.location.startsWith(REDIRECT_URI)) {
    throw new Error(`consent answered ${page.status} to ${page.location}`);
  }
  const query = Object.fromEntries(new URL(page.location).searchParams);
  return { query, state, verifier: pkce.verifier };
};

// What Zapier does with the code: the app's getAccessToken. Returns the authData Zapier stores.
const connect = async (username) => {
  const { query, verifier } = await authorize(username);
  return appTester(App.authentication.oauth2Config.getAccessToken, {
    inputData: { code: query.code, state: query.state, redirect_uri: REDIRECT_URI, code_verifier: verifier },
  });
};

// --- the catch server: hooks.zapier.com's stand-in ----------------------------------------------
class CatchServer {
  constructor() {
    this.received = []; // {path, headers, body, answered}
    this.answers = new Map(); // path -> status to answer with (default 200)
    this.server = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = null;
        try {
          body = JSON.parse(text);
        } catch (ignored) {
          body = text;
        }
        const status = this.answers.get(request.url) || 200;
        this.received.push({ path: request.url, headers: request.headers, body, answered: status });
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ status: status === 200 ? 'success' : 'gone' }));
      });
    });
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  stop() {
    return new Promise((resolve) => this.server.close(resolve));
  }

  target(name) {
    return `${this.url}/hooks/${name}`;
  }

  answer(name, status) {
    this.answers.set(`/hooks/${name}`, status);
  }

  deliveriesTo(name) {
    return this.received.filter((item) => item.path === `/hooks/${name}`);
  }

  waitForDeliveries(name, count = 1, options = {}) {
    return waitFor(
      () => (this.deliveriesTo(name).length >= count ? this.deliveriesTo(name) : null),
      `${count} deliveries to ${name}`,
      options
    );
  }
}

// --- the simulator's control API ----------------------------------------------------------------
const simulator = {
  async play(name, params = {}) {
    const response = await fetch(`${SIMULATOR_URL}/sim/play/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...params, wait: true }),
    });
    if (response.status !== 200) throw new Error(`play ${name}: ${response.status} ${await response.text()}`);
    return response.json();
  },
  async stats() {
    return (await fetch(`${SIMULATOR_URL}/sim/stats`)).json();
  },
  // The listener subscribes to an account's calls within a second of its first active hook, and
  // drops them a second after its last one ended. Seen for longer than that, the subscription is
  // not a leftover about to go.
  async waitUntilListening(accountId) {
    let since = null;
    await waitFor(async () => {
      const stats = await simulator.stats();
      const listening = stats.subscriptions.some((bindings) => bindings.some(([account]) => account === accountId));
      if (!listening) since = null;
      else if (since === null) since = Date.now();
      return since !== null && Date.now() - since >= 2500;
    }, `the listener to subscribe to account ${accountId}`);
  },
};

// --- the service's API directly (for what the app does not do itself) ---------------------------
const api = async (authData, path, { method = 'GET', body } = {}) => {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${authData.access_token}`,
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, data: text ? JSON.parse(text) : null };
};

// What Zapier hands perform for a JSON delivery: the parsed body plus the querystring.
const cleanedRequest = (delivery) => ({ ...delivery.body, querystring: {} });

// The keys of an event, nested ones as Zapier flattens them (kazoo__call_id).
const flatKeys = (event) =>
  Object.entries(event)
    .flatMap(([key, value]) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.keys(value).map((sub) => `${key}__${sub}`)
        : [key]
    )
    .sort();

module.exports = {
  App,
  BASE_URL,
  CatchServer,
  REDIRECT_URI,
  api,
  appTester,
  authorize,
  cleanedRequest,
  connect,
  flatKeys,
  simulator,
  sleep,
  waitFor,
};
