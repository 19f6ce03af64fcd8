'use strict';
// The searches: Find User, Find Recent Call, Find Agent. Each returns a list, best match first
// (Zapier uses the first), and an empty list when nothing is found.

const { apiUrl, filled } = require('../lib/api');

const get = async (z, path, params) => {
  const response = await z.request({ url: apiUrl(path), params });
  return Array.isArray(response.data) ? response.data : [];
};

const USER_SAMPLE = {
  id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
  name: 'Bob Berger',
  first_name: 'Bob',
  last_name: 'Berger',
  username: 'bob',
  email: 'bob@example.com',
  extension: '202',
  number: '+4930555012',
  is_admin: false,
  enabled: true,
  on_a_call: false,
  do_not_disturb: false,
  call_forwarding: false,
  devices: [{ id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081', name: 'Bob Desk Phone', type: 'sip_device', registered: true }],
};

const findUser = {
  key: 'find_user',
  noun: 'User',
  display: {
    label: 'Find User',
    description: 'Finds a user of your phone system by extension, email, name or phone number.',
  },
  operation: {
    inputFields: [
      { key: 'extension', label: 'Extension', required: false },
      { key: 'email', label: 'Email', required: false },
      { key: 'name', label: 'Name', required: false, helpText: 'A name or part of one.' },
      { key: 'number', label: 'Phone Number', required: false, helpText: 'Their number, any format.' },
    ],
    perform: (z, bundle) =>
      get(z, '/api/v1/users/search', filled(bundle.inputData, ['extension', 'email', 'name', 'number'])),
    sample: USER_SAMPLE,
    outputFields: [
      { key: 'id', label: 'User ID' },
      { key: 'name', label: 'Name' },
      { key: 'extension', label: 'Extension' },
      { key: 'email', label: 'Email' },
      { key: 'number', label: 'Phone Number' },
      { key: 'on_a_call', label: 'On a Call Now', type: 'boolean' },
      { key: 'do_not_disturb', label: 'Do Not Disturb', type: 'boolean' },
      { key: 'call_forwarding', label: 'Call Forwarding On', type: 'boolean' },
    ],
  },
};

const findRecentCall = {
  key: 'find_recent_call',
  noun: 'Call',
  display: {
    label: 'Find Recent Call',
    description: 'Finds the most recent calls with a phone number, from the phone system\'s call records.',
  },
  operation: {
    inputFields: [
      { key: 'number', label: 'Phone Number', required: true, helpText: 'Any format, e.g. +1 (415) 555-0100.' },
      {
        key: 'user_id',
        label: 'User',
        required: false,
        dynamic: 'user_list.id.name',
        helpText: 'Only this user\'s calls. (Administrators; a user always finds their own calls.)',
      },
      { key: 'since', label: 'Since', type: 'datetime', required: false, helpText: 'Empty: the last 7 days.' },
      { key: 'until', label: 'Until', type: 'datetime', required: false, helpText: 'At most 31 days after Since.' },
    ],
    perform: (z, bundle) =>
      get(z, '/api/v1/calls/recent', filled(bundle.inputData, ['number', 'user_id', 'since', 'until'])),
    sample: {
      call_id: 'c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6',
      occurred_at: '2024-05-14T09:33:22Z',
      started_at: '2024-05-14T09:30:12Z',
      account_id: '6bf9e3a5c1d04e7f8a2b3c4d5e6f7a8b',
      account_name: 'Demo Company',
      direction: 'inbound',
      from_number: '+14155550100',
      from_name: 'Jordan Lee',
      to_number: '+4930555012',
      to_name: 'Bob Berger',
      user_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
      user_name: 'Bob Berger',
      user_extension: '202',
      user_email: 'bob@example.com',
      device_id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081',
      device_name: 'Bob Desk Phone',
      answered: true,
      result: 'answered',
      ring_seconds: 6,
      talk_seconds: 184,
      duration_seconds: 190,
      hangup_cause: 'NORMAL_CLEARING',
    },
    outputFields: [
      { key: 'call_id', label: 'Call ID' },
      { key: 'occurred_at', label: 'Ended At', type: 'datetime' },
      { key: 'direction', label: 'Direction' },
      { key: 'from_number', label: 'From Number' },
      { key: 'to_number', label: 'To Number' },
      { key: 'user_name', label: 'User Name' },
      { key: 'result', label: 'Result' },
      { key: 'talk_seconds', label: 'Talk Time (seconds)', type: 'integer' },
      { key: 'duration_seconds', label: 'Duration (seconds)', type: 'integer' },
    ],
  },
};

const findAgent = {
  key: 'find_agent',
  noun: 'Agent',
  display: {
    label: 'Find Agent',
    description: 'Finds a call-centre agent by name or extension, with their queues and status.',
  },
  operation: {
    inputFields: [{ key: 'q', label: 'Name or Extension', required: true }],
    perform: (z, bundle) => get(z, '/api/v1/agents', filled(bundle.inputData, ['q'])),
    sample: {
      id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
      name: 'Bob Berger',
      extension: '202',
      email: 'bob@example.com',
      status: 'ready',
      queues: [{ id: '5d4c3b2a19080f1e2d3c4b5a69788796', name: 'Support' }],
    },
    outputFields: [
      { key: 'id', label: 'Agent ID' },
      { key: 'name', label: 'Name' },
      { key: 'extension', label: 'Extension' },
      { key: 'status', label: 'Agent Status' },
    ],
  },
};

module.exports = { searches: [findUser, findRecentCall, findAgent] };
