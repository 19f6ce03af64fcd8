'use strict';
// A REST-hook trigger end to end against the live service: subscribe, a simulated call delivered
// to the catch server and passed through perform, unsubscribe; and a target that answers 410.

const { App, CatchServer, api, appTester, cleanedRequest, connect, simulator, waitFor } = require('./support');

const ringing = App.triggers.call_ringing.operation;

let catcher;
let bob;
let me;

beforeAll(async () => {
  catcher = await new CatchServer().start();
  bob = await connect('bob');
  me = await appTester(App.authentication.test, { authData: bob });
});

afterAll(() => catcher.stop());

const subscribe = (name, inputData = {}) =>
  appTester(ringing.performSubscribe, { authData: bob, targetUrl: catcher.target(name), inputData });

const unsubscribe = (subscribeData) =>
  appTester(ringing.performUnsubscribe, { authData: bob, subscribeData, targetUrl: subscribeData.target_url });

const callBob = () => simulator.play('inbound_answered', { user_id: me.user_id, from_number: '+14155550100' });

// Each test keeps a second, witness subscription active throughout: it shows that a call was
// delivered, so that the other target's silence means something, and it keeps the listener
// subscribed to the account while the first hook ends.
test('subscribe, a call delivered to Zapier and passed through perform, unsubscribe', async () => {
  const hook = await subscribe('ringing', { direction: 'inbound' });
  expect(hook).toMatchObject({
    event: 'call.ringing',
    scope: 'user',
    target_url: catcher.target('ringing'),
    filters: { direction: 'inbound' },
    status: 'active',
  });
  expect(hook.id).toBeTruthy();
  const witness = await subscribe('ringing-witness');

  await simulator.waitUntilListening(me.account_id);
  await callBob();
  const [delivery] = await catcher.waitForDeliveries('ringing');

  expect(delivery.headers['content-type']).toMatch(/^application\/json/);
  expect(delivery.headers['webhook-id']).toBe(delivery.body.id);
  expect(delivery.body).toMatchObject({
    type: 'call.ringing',
    direction: 'inbound',
    user_id: me.user_id,
    from_number: '+14155550100',
    account_name: 'Demo Company',
  });
  const events = await appTester(ringing.perform, { authData: bob, cleanedRequest: cleanedRequest(delivery) });
  expect(events).toEqual([delivery.body]);
  await catcher.waitForDeliveries('ringing-witness', 1);

  expect(await unsubscribe(hook)).toEqual({ id: hook.id, unsubscribed: true });
  // Unsubscribed hooks leave the user's list (the row stays for staff).
  expect((await api(bob, `/api/v1/hooks/${hook.id}`)).status).toBe(404);

  // The next call reaches the witness only.
  await callBob();
  await catcher.waitForDeliveries('ringing-witness', 2);
  expect(catcher.deliveriesTo('ringing')).toHaveLength(1);
  // Unsubscribing twice (a Zap deleted after the hook was removed) is no error.
  await expect(unsubscribe(hook)).resolves.toEqual({ id: hook.id, unsubscribed: true });
  await unsubscribe(witness);
});

test('a later delivery answered 410 (the Zap is off) stops the hook', async () => {
  const hook = await subscribe('gone');
  const witness = await subscribe('gone-witness');
  await simulator.waitUntilListening(me.account_id);
  await callBob();
  await catcher.waitForDeliveries('gone', 1);
  await catcher.waitForDeliveries('gone-witness', 1);

  catcher.answer('gone', 410);
  await callBob();
  const [, refused] = await catcher.waitForDeliveries('gone', 2);
  expect(refused.answered).toBe(410);
  const hookStatus = async () => (await api(bob, `/api/v1/hooks/${hook.id}`)).data.status;
  await waitFor(async () => (await hookStatus()) === 'gone', 'the hook to be marked gone');

  await catcher.waitForDeliveries('gone-witness', 2);
  await callBob();
  await catcher.waitForDeliveries('gone-witness', 3);
  expect(catcher.deliveriesTo('gone')).toHaveLength(2);
  expect((await api(bob, `/api/v1/hooks/${hook.id}`)).data).toMatchObject({ status: 'gone', pending_count: 0 });
  await unsubscribe(witness);
  await unsubscribe(hook);
});

test('the service\'s refusal reaches the user as it is', async () => {
  // Bob is no administrator: the whole account is not his to follow.
  const refusal = await api(bob, '/api/v1/hooks', {
    method: 'POST',
    body: { target_url: catcher.target('x'), event: 'call.ringing', scope: 'account' },
  });
  expect(refusal.status).toBe(403);
  const shown = async (promise) => JSON.parse((await promise.catch((e) => e)).message);
  expect(await shown(subscribe('x', { scope: 'account' }))).toEqual({
    message: refusal.data.detail,
    code: refusal.data.code,
    status: 403,
  });

  const badNumber = await api(bob, '/api/v1/hooks', {
    method: 'POST',
    body: { target_url: catcher.target('x'), event: 'call.ringing', filters: { number: '12ab' } },
  });
  expect(badNumber.status).toBe(400);
  expect((await shown(subscribe('x', { number: '12ab' }))).message).toBe(badNumber.data.detail);
});
