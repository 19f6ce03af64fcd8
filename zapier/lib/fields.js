'use strict';
// What Zapier users see of an event's fields: a label per payload key, and sample values.
// Every key of lib/catalogue.json must have a label here (test/app.test.js checks it).

const LABELS = {
  id: 'Event ID',
  type: 'Event Type',
  occurred_at: 'Occurred At',
  occurred_at_local: 'Occurred At (Local Time)',
  timezone: 'Time Zone',
  account_id: 'Account ID',
  account_name: 'Account Name',
  call_id: 'Call ID',
  direction: 'Direction',
  from_number: 'From Number',
  from_number_display: 'From Number (Formatted)',
  from_name: 'From Name',
  to_number: 'To Number',
  to_number_display: 'To Number (Formatted)',
  to_name: 'To Name',
  user_id: 'User ID',
  user_name: 'User Name',
  user_extension: 'User Extension',
  user_email: 'User Email',
  device_id: 'Device ID',
  device_name: 'Device Name',
  answered: 'Answered',
  result: 'Result',
  ring_seconds: 'Ring Time (seconds)',
  talk_seconds: 'Talk Time (seconds)',
  duration_seconds: 'Duration (seconds)',
  hangup_cause: 'Hangup Cause',
  park_slot: 'Park Slot',
  queue_id: 'Queue ID',
  queue_name: 'Queue Name',
  agent_id: 'Agent ID',
  agent_name: 'Agent Name',
  wait_seconds: 'Wait Time (seconds)',
  abandon_reason: 'Abandon Reason',
  agent_status: 'Agent Status',
  summary: 'Summary',
  kazoo: 'Kazoo',
};

// The raw Kazoo ids under `kazoo`; Zapier flattens them to kazoo__<key>.
const KAZOO_LABELS = {
  call_id: 'Kazoo Leg Call ID',
  other_leg_call_id: 'Kazoo Other Leg Call ID',
  bridge_id: 'Kazoo Bridge ID',
  interaction_id: 'Kazoo Interaction ID',
  owner_id: 'Kazoo Owner ID',
  authorizing_id: 'Kazoo Authorizing ID',
  authorizing_type: 'Kazoo Authorizing Type',
  event_name: 'Kazoo Event Name',
};

const fieldType = (key) => {
  if (key.endsWith('_seconds')) return 'integer';
  if (key === 'answered') return 'boolean';
  if (key === 'occurred_at' || key === 'occurred_at_local') return 'datetime';
  return 'string';
};

const outputFields = (eventType, kazooKeys) =>
  eventType.payload_keys.flatMap((key) => {
    if (key === 'kazoo') {
      return kazooKeys.map((sub) => ({ key: `kazoo__${sub}`, label: KAZOO_LABELS[sub] }));
    }
    return [{ key, label: LABELS[key], type: fieldType(key) }];
  });

// A demo-looking event: the Zap editor shows it before the user has a real one.
const SAMPLE_VALUES = {
  occurred_at: '2024-05-14T09:30:12Z',
  occurred_at_local: '2024-05-14T11:30:12+02:00',
  timezone: 'Europe/Berlin',
  account_id: '6bf9e3a5c1d04e7f8a2b3c4d5e6f7a8b',
  account_name: 'Demo Company',
  call_id: 'c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6',
  direction: 'inbound',
  from_number: '+14155550100',
  from_number_display: '+1 415-555-0100',
  from_name: 'Bob Jones',
  to_number: '+4930555010',
  to_number_display: '030 555010',
  to_name: 'Alice Smith',
  user_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
  user_name: 'Alice Smith',
  user_extension: '201',
  user_email: 'alice@example.com',
  device_id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081',
  device_name: 'Alice Desk Phone',
  answered: true,
  result: 'answered',
  ring_seconds: 6,
  talk_seconds: 184,
  duration_seconds: 190,
  hangup_cause: 'NORMAL_CLEARING',
  park_slot: '1',
  queue_id: '5d4c3b2a19080f1e2d3c4b5a69788796',
  queue_name: 'Support',
  agent_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
  agent_name: 'Alice Smith',
  wait_seconds: 12,
  abandon_reason: null,
  agent_status: 'ready',
};

const KAZOO_SAMPLE = {
  call_id: '2a7c9e1b-5f3d-4b8a-9c6e-1d2f3a4b5c6d',
  other_leg_call_id: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  bridge_id: '2a7c9e1b-5f3d-4b8a-9c6e-1d2f3a4b5c6d',
  interaction_id: '63870514212-3a4b5c6d',
  owner_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
  authorizing_id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081',
  authorizing_type: 'device',
  event_name: 'CHANNEL_ANSWER',
};

const sample = (eventType, kazooKeys) => {
  const event = {};
  for (const key of eventType.payload_keys) {
    if (key === 'id') event.id = `sample-${eventType.type}-0001`;
    else if (key === 'type') event.type = eventType.type;
    else if (key === 'summary') event.summary = `Sample: ${eventType.title}`;
    else if (key === 'kazoo') {
      event.kazoo = Object.fromEntries(kazooKeys.map((sub) => [sub, KAZOO_SAMPLE[sub] ?? null]));
    } else event[key] = key in SAMPLE_VALUES ? SAMPLE_VALUES[key] : null;
  }
  return event;
};

module.exports = { KAZOO_LABELS, LABELS, outputFields, sample };
