'use strict';
// The app's definition: valid for Zapier's schema, and its triggers the service's catalogue,
// type for type, title for title, key for key.

const catalogue = require('../lib/catalogue.json');
const { LABELS, KAZOO_LABELS } = require('../lib/fields');
const { triggerKey } = require('../triggers/events');
const { validationErrors } = require('../scripts/validate');
const { App, api, connect } = require('./support');

test('the app definition is valid for zapier-platform-schema', () => {
  expect(validationErrors()).toEqual([]);
});

test('lib/catalogue.json is the running service\'s catalogue (else: scripts/dump_catalogue.py)', async () => {
  const bob = await connect('bob');
  const served = await api(bob, '/api/v1/event-types');
  expect(served.status).toBe(200);
  expect(catalogue.event_types).toEqual(served.data);
});

test('one instant trigger per event type, titled as in the catalogue', () => {
  const hookTriggers = Object.values(App.triggers).filter((trigger) => trigger.operation.type === 'hook');
  expect(hookTriggers.map((trigger) => trigger.key)).toEqual(catalogue.event_types.map((t) => triggerKey(t.type)));
  for (const eventType of catalogue.event_types) {
    const trigger = App.triggers[triggerKey(eventType.type)];
    expect(trigger.display.label).toBe(eventType.title);
    expect(trigger.display.description).toMatch(/^Triggers when /);
    for (const name of ['perform', 'performList', 'performSubscribe', 'performUnsubscribe']) {
      expect(typeof trigger.operation[name]).toBe('function');
    }
  }
});

test('every payload key has a label', () => {
  const keys = new Set(catalogue.event_types.flatMap((t) => t.payload_keys));
  expect([...keys].filter((key) => !LABELS[key])).toEqual([]);
  expect(catalogue.kazoo_keys.filter((key) => !KAZOO_LABELS[key])).toEqual([]);
});
