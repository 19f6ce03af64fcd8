'use strict';
// The actions and searches against the live service and the simulated Kazoo: an agent logged
// out and in (and the agent.status_changed event that follows), a pause, call forwarding and
// Do Not Disturb, Find User / Find Agent / Find Recent Call, Send an SMS, and the service's
// refusals shown in its own words. Dropdowns (agents, users, numbers) come from the service.

const { App, CatchServer, appTester, connect, simulator, sleep, waitFor } = require('./support');

const create = (key) => App.creates[key].operation;
const search = (key) => App.searches[key].operation;
const list = (key, authData) => appTester(App.triggers[key].operation.perform, { authData });

let alice;
let bob;
let bobMe;
let catcher;

beforeAll(async () => {
  catcher = await new CatchServer().start();
  alice = await connect('alice');
  bob = await connect('bob');
  bobMe = await appTester(App.authentication.test, { authData: bob });
});

afterAll(() => catcher.stop());

const shown = (promise) => promise.then(() => null, (error) => JSON.parse(error.message));

test('an agent logs out and in; the change comes back as an agent.status_changed event', async () => {
  const trigger = App.triggers.agent_status_changed.operation;
  const hook = await appTester(trigger.performSubscribe, {
    authData: bob,
    targetUrl: catcher.target('agent'),
    inputData: {},
  });
  // Logged in first, whatever earlier tests left: the logout below is then a change.
  await appTester(create('agent_login').perform, { authData: bob, inputData: { action: 'login' } });
  await simulator.waitUntilListening(bobMe.account_id);
  await sleep(11000); // two ACDC polls (every 5 s): the listener has its baseline of the agents

  const out = await appTester(create('agent_login').perform, { authData: bob, inputData: { action: 'logout' } });
  expect(out).toMatchObject({ agent_name: 'Bob Berger', status: 'logged_out', confirmed: true, changed: true });
  expect(Object.keys(out).sort()).toEqual(Object.keys(App.creates.agent_login.operation.sample).sort());

  // The first poll may also have caught the login above (if another test had the account
  // polled already): look for the logout among the deliveries.
  const delivery = await waitFor(
    () => catcher.deliveriesTo('agent').find((item) => item.body.agent_status === 'logged_out'),
    'the logout as agent.status_changed',
    { timeout: 60000 }
  );
  expect(delivery.body).toMatchObject({ type: 'agent.status_changed', agent_status: 'logged_out', user_id: bobMe.user_id });

  const back = await appTester(create('agent_login').perform, { authData: bob, inputData: { action: 'login' } });
  expect(back).toMatchObject({ status: 'ready', confirmed: true });
  const again = await appTester(create('agent_login').perform, { authData: bob, inputData: { action: 'login' } });
  expect(again).toMatchObject({ status: 'ready', changed: false }); // idempotent: no error
  await appTester(trigger.performUnsubscribe, { authData: bob, subscribeData: hook, targetUrl: hook.target_url });
});

test('a pause for minutes, then resume; an administrator picks the agent from the dropdown', async () => {
  const agents = await list('agent_list', alice);
  expect(agents.map((agent) => agent.name)).toEqual(['Bob Berger', 'Carol Clark']);
  const carol = agents.find((agent) => agent.name === 'Carol Clark');

  const paused = await appTester(create('agent_pause').perform, {
    authData: alice,
    inputData: { agent_id: carol.id, action: 'pause', minutes: '10' },
  });
  expect(paused).toMatchObject({ agent_name: 'Carol Clark', status: 'paused', confirmed: true });
  const resumed = await appTester(create('agent_pause').perform, {
    authData: alice,
    inputData: { agent_id: carol.id, action: 'resume' },
  });
  expect(resumed.status).toBe('ready');
});

test('the service\'s refusals reach the Zap\'s user in its words', async () => {
  const notAnAgent = await shown(appTester(create('agent_login').perform, { authData: alice, inputData: { action: 'login' } }));
  expect(notAnAgent).toMatchObject({ code: 'not_an_agent', status: 409 });
  expect(notAnAgent.message).toMatch(/^Alice Admin is not an agent of a call-centre queue/);

  const carol = (await list('user_list', alice)).find((user) => user.name === 'Carol Clark');
  const colleague = await shown(
    appTester(create('set_call_forwarding').perform, {
      authData: bob,
      inputData: { user_id: carol.id, enabled: 'true', number: '+14155550100' },
    })
  );
  expect(colleague).toMatchObject({ code: 'not_your_user', status: 403 });

  const noNumber = await shown(appTester(create('set_call_forwarding').perform, { authData: bob, inputData: { enabled: 'true' } }));
  expect(noNumber.message).toBe('number: Call forwarding needs a number to forward to.');
  const badNumber = await shown(
    appTester(create('set_call_forwarding').perform, { authData: bob, inputData: { enabled: 'true', number: '+49 30' } })
  );
  expect(badNumber.message).toMatch(/^number: The number '\+49 30' is not a phone number/);
});

test('call forwarding on to the mobile and off; Do Not Disturb', async () => {
  const on = await appTester(create('set_call_forwarding').perform, {
    authData: bob,
    inputData: { enabled: 'true', number: '+49 151 23456789', ring_phones_too: 'false', keep_caller_id: 'true' },
  });
  expect(on.call_forward).toMatchObject({ enabled: true, number: '+4915123456789', ring_phones_too: false });
  // A call to Bob now rings the mobile instead of his desk phone.
  const call = await simulator.play('inbound_to_user', { user_id: bobMe.user_id });
  expect(call.forwarded_to).toBe('+4915123456789');
  expect(call.legs.b).toEqual({});

  const off = await appTester(create('set_call_forwarding').perform, { authData: bob, inputData: { enabled: 'false' } });
  expect(off.call_forward).toMatchObject({ enabled: false, number: '+4915123456789' });

  const dnd = await appTester(create('set_do_not_disturb').perform, { authData: bob, inputData: { enabled: true } });
  expect(dnd).toMatchObject({ do_not_disturb: true, user_name: 'Bob Berger' });
  await appTester(create('set_do_not_disturb').perform, { authData: bob, inputData: { enabled: false } });
});

test('Find User, Find Agent and Find Recent Call; nothing found is an empty list', async () => {
  const users = await appTester(search('find_user').perform, { authData: alice, inputData: { extension: '202' } });
  expect(users.map((user) => user.name)).toEqual(['Bob Berger']);
  expect(users[0].devices.map((device) => device.name).sort()).toEqual(['Bob Desk Phone', 'Bob Softphone']);
  expect(Object.keys(users[0]).sort()).toEqual(Object.keys(App.searches.find_user.operation.sample).sort());
  expect(await appTester(search('find_user').perform, { authData: alice, inputData: { email: 'nobody@example.com' } })).toEqual([]);

  const found = await appTester(search('find_agent').perform, { authData: alice, inputData: { q: '203' } });
  expect(found).toEqual([expect.objectContaining({ name: 'Carol Clark', queues: [expect.objectContaining({ name: 'Support' })] })]);

  const played = await simulator.play('inbound_answered', { user_id: bobMe.user_id, from_number: '+442079460123' });
  // The simulator plays a call's minutes at once: its records are dated up to minutes ahead.
  const until = new Date(Date.now() + 3600 * 1000).toISOString();
  const calls = await appTester(search('find_recent_call').perform, {
    authData: bob,
    inputData: { number: '+44 20 7946 0123', until },
  });
  expect(calls[0]).toMatchObject({ call_id: played.call_id, direction: 'inbound', from_number: '+442079460123', user_name: 'Bob Berger' });
  expect(Object.keys(calls[0]).sort()).toEqual(Object.keys(App.searches.find_recent_call.operation.sample).sort());
  const none = await appTester(search('find_recent_call').perform, { authData: bob, inputData: { number: '+1 650 555 0123', until } });
  expect(none).toEqual([]);
});

test('Send an SMS from one\'s own number (the dropdown), and a premium number refused', async () => {
  expect(App.creates.send_sms.display.hidden).toBe(false); // the harness turns SMS on
  const numbers = await list('sms_number_list', bob);
  expect(numbers.map((number) => number.id)).toEqual(['+4930555012']);
  const sent = await appTester(create('send_sms').perform, {
    authData: bob,
    inputData: { to: '+1 415 555 0100', body: 'Running late', from: numbers[0].id },
  });
  expect(sent).toMatchObject({ from: '+4930555012', to: '+14155550100', status: 'sent' });
  const premium = await shown(appTester(create('send_sms').perform, { authData: bob, inputData: { to: '+49 900 1234567', body: 'x' } }));
  expect(premium).toMatchObject({ code: 'blocked_number', status: 403 });
});

test('without SMS_ENABLED the app hides Send an SMS and does not ask for the scope', () => {
  jest.isolateModules(() => {
    const saved = process.env.SMS_ENABLED;
    delete process.env.SMS_ENABLED;
    try {
      const app = require('../index');
      expect(app.creates.send_sms.display.hidden).toBe(true);
    } finally {
      process.env.SMS_ENABLED = saved;
    }
  });
});
