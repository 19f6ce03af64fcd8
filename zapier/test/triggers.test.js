'use strict';
// Every trigger of the catalogue, live: an administrator subscribes to all of them for the whole
// account, the simulator plays the calls that cause each event, and for every trigger the keys of
// the live delivery equal the keys of performList (its example when nothing matches, and the
// real events after), of the trigger's sample and of its output fields; perform passes it through.

const catalogue = require('../lib/catalogue.json');
const { triggerKey } = require('../triggers/events');
const { App, CatchServer, appTester, cleanedRequest, connect, flatKeys, simulator, waitFor } = require('./support');

// The calls that cause each event type (the simulator's scenarios).
const CALL_SCENARIOS = [
  'inbound_answered', // call.ringing, call.answered, call.ended
  'outbound_answered', // call.started
  'missed_to_voicemail', // call.missed
  'hold_resume', // call.held, call.resumed
  'park_retrieve', // call.parked, call.retrieved
  'park_abandoned', // call.park_abandoned
];
// Call-centre events come from polling Crossbar (ACDC); the first poll is only a baseline.
const CALL_CENTRE_SCENARIOS = ['queue_answered', 'queue_abandoned', 'agent_status_changes'];

const types = catalogue.event_types;
const triggerOf = (eventType) => App.triggers[triggerKey(eventType.type)].operation;
const expectedKeys = (eventType) =>
  eventType.payload_keys
    .flatMap((key) => (key === 'kazoo' ? catalogue.kazoo_keys.map((sub) => `kazoo__${sub}`) : [key]))
    .sort();
// A filter nothing matches, so that performList answers its example.
const matchNothing = (eventType) =>
  eventType.payload_keys.includes('from_number') ? { number: '+493012349999' } : { user_id: 'nobody' };

// What is still missing after the polls had time to see everything (three ACDC intervals).
const callCentreSettled = async (missing) => {
  await waitFor(() => missing().length === 0, 'call-centre deliveries', { timeout: 15000 }).catch(() => null);
  return missing();
};

let catcher;
let alice;
let me;
const examples = {};
const hooks = {};

beforeAll(async () => {
  catcher = await new CatchServer().start();
  alice = await connect('alice');
  me = await appTester(App.authentication.test, { authData: alice });
  expect(me.is_admin).toBe(true);
});

afterAll(async () => {
  for (const eventType of types) {
    if (hooks[eventType.type]) {
      await appTester(triggerOf(eventType).performUnsubscribe, {
        authData: alice,
        subscribeData: hooks[eventType.type],
      });
    }
  }
  await catcher.stop();
});

test('performList answers an example with every key when no event matches', async () => {
  for (const eventType of types) {
    const items = await appTester(triggerOf(eventType).performList, {
      authData: alice,
      inputData: { scope: 'account', ...matchNothing(eventType) },
    });
    expect(items).toHaveLength(1);
    expect([eventType.type, flatKeys(items[0])]).toEqual([eventType.type, expectedKeys(eventType)]);
    expect(items[0].type).toBe(eventType.type);
    examples[eventType.type] = items[0];
  }
});

test('every trigger subscribes for the whole account and receives its event from a live call', async () => {
  for (const eventType of types) {
    hooks[eventType.type] = await appTester(triggerOf(eventType).performSubscribe, {
      authData: alice,
      targetUrl: catcher.target(eventType.type),
      inputData: { scope: 'account' },
    });
    expect(hooks[eventType.type]).toMatchObject({ event: eventType.type, scope: 'account', status: 'active' });
  }
  await simulator.waitUntilListening(me.account_id);

  // The ACDC baseline: wait for the listener's polls (acdc_call_stats, agents/status, queues)
  // to have read the simulator before anything changes there.
  const before = (await simulator.stats()).requests_served;
  await waitFor(async () => (await simulator.stats()).requests_served >= before + 5, 'an ACDC poll', {
    timeout: 60000,
  });
  for (const name of [...CALL_CENTRE_SCENARIOS, ...CALL_SCENARIOS]) await simulator.play(name);

  // Should a play have beaten the baseline after all, the changes it made are history, not news:
  // play the call centre again (the other agent's shift, since the first one's is over).
  const missing = () =>
    types.map((t) => t.type).filter((type) => /^(queue|agent)\./.test(type) && !catcher.deliveriesTo(type).length);
  const users = await appTester(App.triggers.user_list.operation.perform, { authData: alice });
  const carol = users.find((user) => user.name === 'Carol Clark');
  for (let attempt = 0; attempt < 2 && (await callCentreSettled(missing)).length; attempt += 1) {
    await simulator.play('queue_answered');
    await simulator.play('queue_abandoned');
    await simulator.play('agent_status_changes', { agent_id: carol.id });
  }

  for (const eventType of types) {
    await catcher.waitForDeliveries(eventType.type, 1, { timeout: 60000 });
  }
});

// Keys that one side has and the other lacks, as "type: what +extra -missing".
const keyDifference = (type, what, got, wanted) => {
  const extra = got.filter((key) => !wanted.includes(key));
  const missing = wanted.filter((key) => !got.includes(key));
  if (!extra.length && !missing.length) return [];
  return [`${type}: ${what} ${extra.map((k) => `+${k}`).concat(missing.map((k) => `-${k}`)).join(' ')}`];
};

test('for every trigger: live keys = performList keys = sample keys = output fields; perform passes through', async () => {
  const problems = [];
  for (const eventType of types) {
    const trigger = triggerOf(eventType);
    const [delivery] = catcher.deliveriesTo(eventType.type);
    const live = delivery.body;
    const liveKeys = flatKeys(live);
    const type = eventType.type;

    problems.push(...keyDifference(type, 'live payload vs the catalogue', liveKeys, expectedKeys(eventType)));
    problems.push(...keyDifference(type, 'performList example vs live', flatKeys(examples[type]), liveKeys));
    problems.push(...keyDifference(type, 'sample vs live', flatKeys(trigger.sample), liveKeys));
    const outputKeys = trigger.outputFields.map((field) => field.key).sort();
    problems.push(...keyDifference(type, 'output fields vs live', outputKeys, liveKeys));
    if (!trigger.outputFields.every((field) => field.label)) problems.push(`${type}: an output field has no label`);

    const performed = await appTester(trigger.perform, { authData: alice, cleanedRequest: cleanedRequest(delivery) });
    expect(performed).toEqual([live]);

    // Now that there are events, performList answers them, in the delivered shape.
    const recent = await appTester(trigger.performList, { authData: alice, inputData: { scope: 'account' } });
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.map((item) => item.type)).toEqual(recent.map(() => type));
    // Newest first: among the newest ten some were delivered here (more may still be on the way).
    const delivered = new Set(catcher.deliveriesTo(type).map((item) => item.body.id));
    expect(recent.some((item) => delivered.has(item.id))).toBe(true);
    problems.push(...keyDifference(type, 'performList (real events) vs live', flatKeys(recent[0]), liveKeys));
  }
  expect(problems).toEqual([]);
});
