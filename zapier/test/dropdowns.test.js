'use strict';
// The dynamic dropdowns and the trigger input fields, from the live service: a user sees their
// own phones and their own calls' filters; an administrator also the account's users and queues,
// and "my calls / the whole account".

const { App, appTester, connect } = require('./support');

let alice;
let bob;

beforeAll(async () => {
  alice = await connect('alice');
  bob = await connect('bob');
});

const list = (key, authData) => appTester(App.triggers[key].operation.perform, { authData });
const names = (items) => items.map((item) => item.name).sort();
const inputFields = (key, authData) =>
  appTester(App.triggers[key].operation.inputFields[0], { authData, inputData: {} });

test('a user\'s device dropdown lists their own phones', async () => {
  const devices = await list('device_list', bob);
  expect(names(devices)).toEqual(['Bob Desk Phone', 'Bob Softphone']);
  for (const device of devices) expect(device.id).toMatch(/^[0-9a-f]{32}$/);
});

test('an administrator\'s dropdowns list the account\'s devices, users and queues', async () => {
  expect(names(await list('device_list', alice))).toEqual(
    expect.arrayContaining(['Alice Desk Phone', 'Bob Desk Phone', 'Carol Desk Phone'])
  );
  expect(names(await list('user_list', alice))).toEqual(['Alice Admin', 'Bob Berger', 'Carol Clark']);
  expect(names(await list('queue_list', alice))).toEqual(['Support']);
});

test('users and queues are not listed for a user who is no administrator, and they are told why', async () => {
  await expect(list('user_list', bob)).rejects.toThrow(/Only administrators of the Kazoo account/);
  await expect(list('queue_list', bob)).rejects.toThrow(/Only administrators of the Kazoo account/);
});

test('a user filters their own calls by direction, device and number; no scope, no user, no queue', async () => {
  const fields = await inputFields('call_ended', bob);
  expect(fields.map((field) => field.key)).toEqual(['direction', 'device_id', 'number']);
  expect(fields.find((field) => field.key === 'device_id').dynamic).toBe('device_list.id.name');
});

test('an administrator may choose "my calls" or "the whole account", and users and queues', async () => {
  const ended = await inputFields('call_ended', alice);
  expect(ended.map((field) => field.key)).toEqual(['scope', 'direction', 'user_id', 'device_id', 'number']);
  const scope = ended.find((field) => field.key === 'scope');
  expect(scope.choices.map((choice) => [choice.value, choice.label])).toEqual([
    ['user', 'My calls'],
    ['account', 'The whole account'],
  ]);
  expect(ended.find((field) => field.key === 'user_id').dynamic).toBe('user_list.id.name');

  const waiting = await inputFields('queue_call_waiting', alice);
  expect(waiting.map((field) => field.key)).toEqual(['scope', 'queue_id', 'number']);
  expect(waiting.find((field) => field.key === 'queue_id').dynamic).toBe('queue_list.id.name');

  // Park events are the account's: always the whole account, nothing to choose.
  const parked = await inputFields('call_parked', alice);
  expect(parked.map((field) => field.key)).toEqual(['number']);
});

test('a dropdown choice works as a subscription filter', async () => {
  const [device] = await list('device_list', bob);
  const hook = await appTester(App.triggers.call_ended.operation.performSubscribe, {
    authData: bob,
    targetUrl: 'http://127.0.0.1:9/hooks/filter',
    inputData: { device_id: device.id, direction: '', number: '' },
  });
  expect(hook.filters).toEqual({ device_id: device.id });
  await appTester(App.triggers.call_ended.operation.performUnsubscribe, { authData: bob, subscribeData: hook });
});
