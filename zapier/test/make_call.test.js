'use strict';
// The "Make a Call" action against the live service and the simulated Kazoo: a call placed from
// a phone picked in the dropdown, and the service's refusal of a bad number shown as it is.

const { App, api, appTester, connect } = require('./support');

const makeCall = App.creates.make_call.operation;

let bob;

beforeAll(async () => {
  bob = await connect('bob');
});

test('the action places a call from the chosen phone', async () => {
  const devices = await appTester(App.triggers.device_list.operation.perform, { authData: bob });
  const desk = devices.find((device) => device.name === 'Bob Desk Phone');
  const call = await appTester(makeCall.perform, {
    authData: bob,
    inputData: { to: '+14155550100', device_id: desk.id, caller_id_name: 'Zapier lead', caller_id_number: '' },
  });
  expect(call).toMatchObject({ to: '+14155550100', device_id: desk.id, is_extension: false });
  expect(call.id).toBeTruthy();
  expect(call.call_id).toBeTruthy();
  expect(['ringing', 'placed', 'answered', 'connected']).toContain(call.status);
  const sampleKeys = Object.keys(App.creates.make_call.operation.sample).sort();
  expect(Object.keys(call).sort()).toEqual(sampleKeys);
});

test('a bad number is refused with the service\'s own words', async () => {
  const direct = await api(bob, '/api/v1/calls', { method: 'POST', body: { to: '12ab' } });
  expect(direct.status).toBe(400);
  expect(direct.data.detail).toMatch(/12ab/);

  // An AppError: Zapier shows its message to the Zap's user, word for word.
  const error = await appTester(makeCall.perform, { authData: bob, inputData: { to: '12ab' } }).catch((e) => e);
  expect(error.name).toBe('AppError');
  expect(JSON.parse(error.message)).toEqual({ message: direct.data.detail, code: direct.data.code, status: 400 });
});
