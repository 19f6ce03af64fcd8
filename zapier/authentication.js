'use strict';
// OAuth 2.0 authorization code with PKCE against the service's django-oauth-toolkit provider.
// Zapier adds state, redirect_uri and the PKCE challenge to the authorize URL, and hands the
// code and the code_verifier to getAccessToken. Refresh tokens rotate: every refresh returns a
// new one, which must replace the old.

const { apiUrl } = require('./lib/api');

// What the app asks for; the consent page lists exactly these. `sms` only where the provider
// turned SMS on (the app's SMS_ENABLED, as the service's): otherwise Send an SMS is hidden.
const smsEnabled = () => process.env.SMS_ENABLED === 'true';
const scopes = () => ['events', 'calls', 'settings', 'callcentre', ...(smsEnabled() ? ['sms'] : [])].join(' ');

const tokens = (response) => {
  const { access_token, refresh_token } = response.data;
  return { access_token, refresh_token };
};

// Zapier appends code_challenge and code_challenge_method (S256) to this URL itself.
const authorizeUrl = (z, bundle) => {
  const params = new URLSearchParams({
    client_id: process.env.CLIENT_ID,
    state: bundle.inputData.state,
    redirect_uri: bundle.inputData.redirect_uri,
    response_type: 'code',
    scope: scopes(),
  });
  return `${apiUrl('/oauth/authorize/')}?${params}`;
};

const getAccessToken = async (z, bundle) => {
  const response = await z.request({
    url: apiUrl('/oauth/token/'),
    method: 'POST',
    body: {
      grant_type: 'authorization_code',
      code: bundle.inputData.code,
      redirect_uri: bundle.inputData.redirect_uri,
      code_verifier: bundle.inputData.code_verifier,
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
    },
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return tokens(response);
};

const refreshAccessToken = async (z, bundle) => {
  const response = await z.request({
    url: apiUrl('/oauth/token/'),
    method: 'POST',
    body: {
      grant_type: 'refresh_token',
      refresh_token: bundle.authData.refresh_token,
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
    },
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return tokens(response);
};

// The connection test: any valid token of a Kazoo user gets its profile.
const test = async (z) => {
  const response = await z.request({ url: apiUrl('/api/v1/me') });
  return response.data;
};

// "Alice Admin (alice), Demo Company": who and which Kazoo account, no secrets.
const connectionLabel = (z, bundle) => {
  const me = bundle.inputData || {};
  return `${me.name} (${me.username}), ${me.account_name}`;
};

module.exports = {
  type: 'oauth2',
  oauth2Config: {
    authorizeUrl,
    getAccessToken,
    refreshAccessToken,
    scope: scopes(),
    autoRefresh: true,
    enablePkce: true,
  },
  fields: [],
  test,
  connectionLabel,
};
