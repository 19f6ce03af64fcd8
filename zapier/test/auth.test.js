'use strict';
// OAuth 2.0 as Zapier runs it against the live service: authorize with PKCE, the code exchange,
// the connection test and label, refresh with rotation, and the errors a user would see.

const { App, REDIRECT_URI, appTester, authorize, connect } = require('./support');

const { oauth2Config } = App.authentication;

describe('authentication', () => {
  test('the authorize URL asks the service for a code, with Zapier\'s state and redirect', async () => {
    const url = new URL(
      await appTester(oauth2Config.authorizeUrl, {
        inputData: { state: 'st4te', redirect_uri: REDIRECT_URI },
      })
    );
    expect(url.origin + url.pathname).toBe(`${process.env.BASE_URL}/oauth/authorize/`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: process.env.CLIENT_ID,
      state: 'st4te',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'events calls settings callcentre sms', // sms: the harness turns SMS on
    });
    expect(oauth2Config.enablePkce).toBe(true);
    expect(oauth2Config.autoRefresh).toBe(true);
  });

  test('a code becomes tokens; the test names the user; the label says who and which account', async () => {
    const authData = await connect('bob');
    expect(Object.keys(authData).sort()).toEqual(['access_token', 'refresh_token']);
    expect(authData.access_token).toBeTruthy();
    expect(authData.refresh_token).toBeTruthy();

    const me = await appTester(App.authentication.test, { authData });
    expect(me).toMatchObject({
      username: 'bob',
      name: 'Bob Berger',
      account_name: 'Demo Company',
      is_admin: false,
    });
    const label = await appTester(App.authentication.connectionLabel, { authData, inputData: me });
    expect(label).toBe('Bob Berger (bob), Demo Company');
  });

  test('refresh rotates both tokens; the old access token asks Zapier to refresh', async () => {
    const first = await connect('alice');
    const second = await appTester(oauth2Config.refreshAccessToken, { authData: first });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await appTester(App.authentication.test, { authData: second })).username).toBe('alice');

    // autoRefresh: a 401 is a RefreshAuthError, on which Zapier calls refreshAccessToken.
    await expect(appTester(App.authentication.test, { authData: first })).rejects.toMatchObject({
      name: 'RefreshAuthError',
    });
    // A rotated refresh token is spent: the service's reason reaches the user.
    await expect(appTester(oauth2Config.refreshAccessToken, { authData: first })).rejects.toThrow(
      /invalid_grant/
    );
  });

  test('a code without its PKCE verifier is refused with the service\'s reason', async () => {
    const { query } = await authorize('bob');
    await expect(
      appTester(oauth2Config.getAccessToken, {
        inputData: { code: query.code, redirect_uri: REDIRECT_URI, code_verifier: 'not-the-verifier-' + 'x'.repeat(40) },
      })
    ).rejects.toThrow(/invalid_grant/);
  });
});
