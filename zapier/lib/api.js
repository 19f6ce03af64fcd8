'use strict';
// The service's HTTP API as the app sees it: where it is, the bearer token on every request,
// and its errors turned into messages the Zap's user reads as they are.

const baseUrl = () => {
  const url = process.env.BASE_URL;
  if (!url) {
    // The provider sets it once per version: zapier-platform env:set 1.0.0 BASE_URL=https://...
    throw new Error('BASE_URL is not set: the address of the kazoo-zapier service is unknown.');
  }
  return url.replace(/\/+$/, '');
};

const apiUrl = (path) => `${baseUrl()}${path}`;

const includeBearerToken = (request, z, bundle) => {
  request.headers = request.headers || {};
  request.headers.Accept = request.headers.Accept || 'application/json';
  if (bundle.authData && bundle.authData.access_token) {
    request.headers.Authorization = `Bearer ${bundle.authData.access_token}`;
  }
  return request;
};

// The service answers errors as {"code", "detail"} (and OAuth's token endpoint as
// {"error", "error_description"}); the detail is written for the Zap's user, so it is shown as is.
const errorMessage = (response) => {
  let body = response.data;
  if (body === undefined) {
    try {
      body = JSON.parse(response.content);
    } catch (ignored) {
      body = null;
    }
  }
  if (body && typeof body === 'object') {
    if (body.detail) return { message: String(body.detail), code: body.code };
    if (body.error_description) return { message: body.error_description, code: body.error };
    if (body.error) return { message: String(body.error), code: String(body.error) };
  }
  const text = String(response.content || '').slice(0, 200);
  return { message: `The service answered ${response.status}${text ? `: ${text}` : ''}` };
};

const throwServiceErrors = (response, z) => {
  // 401 never gets here with autoRefresh: core throws RefreshAuthError first and Zapier refreshes.
  if (response.status >= 400 && !(response.request && response.request.skipThrowForStatus)) {
    const { message, code } = errorMessage(response);
    throw new z.errors.Error(message, code || `http_${response.status}`, response.status);
  }
  return response;
};

// GET /api/v1/me: who the connection belongs to (and whether they administer the account).
const fetchMe = async (z) => {
  const response = await z.request({ url: apiUrl('/api/v1/me') });
  return response.data;
};

module.exports = { apiUrl, baseUrl, errorMessage, fetchMe, includeBearerToken, throwServiceErrors };

// Zapier hands booleans as true/false or as the strings of a boolean field; empty means unset.
const toBool = (value) => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  return ['true', 'yes', '1', 'on'].includes(String(value).toLowerCase());
};

// The input fields that were filled in, as they are (empty strings dropped).
const filled = (inputData, keys) =>
  Object.fromEntries(
    keys
      .map((key) => [key, inputData[key]])
      .filter(([, value]) => value !== undefined && value !== null && String(value).trim() !== '')
  );

module.exports.toBool = toBool;
module.exports.filled = filled;
