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

  expect(await unsubscribe(hook)).toEqual({ id: hook.id, unsubscribed: true });
  expect((await api(bob, `/api/v1/hooks/${hook.id}`)).data.status).toBe('unsubscribed');

  // Nothing more reaches the old target: a second subscription receives the next call, the
  // unsubscribed one does not.
  const witness = await subscribe('ringing-witness');
  await callBob();
  await catcher.waitForDeliveries('ringing-witness');
  expect(catcher.deliveriesTo('ringing')).toHaveLength(1);
  // Deliveries are created with the event: none was made for the unsubscribed hook.
  expect((await api(bob, `/api/v1/hooks/${hook.id}`)).data).toMatchObject({
    status: 'unsubscribed',
    delivered_count: 1,
    pending_count: 0,
    failed_count: 0,
  });
  // Unsubscribing twice (a Zap deleted after the hook was removed) is no error.
  await expect(unsubscribe(hook)).resolves.toEqual({ id: hook.id, unsubscribed: true });
  await unsubscribe(witness);
});

test('a target that answers 410 (the Zap is off) stops the hook', async () => {
  catcher.answer('gone', 410);
  const hook = await subscribe('gone');
  await simulator.waitUntilListening(me.account_id);
  await callBob();
  await catcher.waitForDeliveries('gone');

  const hookStatus = async () => (await api(bob, `/api/v1/hooks/${hook.id}`)).data.status;
  await waitFor(async () => (await hookStatus()) === 'gone', 'the hook to be marked gone');

  const witness = await subscribe('gone-witness');
  await callBob();
  await catcher.waitForDeliveries('gone-witness');
  expect(catcher.deliveriesTo('gone')).toHaveLength(1);
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
  await expect(subscribe('x', { scope: 'account' })).rejects.toThrow(refusal.data.detail);

  const badNumber = await api(bob, '/api/v1/hooks', {
    method: 'POST',
    body: { target_url: catcher.target('x'), event: 'call.ringing', filters: { number: '12ab' } },
  });
  expect(badNumber.status).toBe(400);
  await expect(subscribe('x', { number: '12ab' })).rejects.toThrow(badNumber.data.detail);
});
