'use strict';
// Hidden triggers behind the dynamic dropdowns: the user's devices, the account's users and
// queues (the last two for administrators), straight from the service.

const { apiUrl } = require('../lib/api');

// A list endpoint answers a JSON array (or, paginated, {"results": [...]}).
const itemsOf = (data) => (Array.isArray(data) ? data : (data && data.results) || []);

const listTrigger = ({ key, noun, path, label, describe }) => ({
  key,
  noun,
  display: { label, description: `Lists ${describe} for dropdowns.`, hidden: true },
  operation: {
    perform: async (z) => {
      const response = await z.request({ url: apiUrl(path) });
      return itemsOf(response.data).map((item) => ({ ...item, id: item.id, name: item.name || item.id }));
    },
    sample: { id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081', name: `Sample ${noun}` },
    outputFields: [
      { key: 'id', label: `${noun} ID` },
      { key: 'name', label: `${noun} Name` },
    ],
  },
});

const listTriggers = [
  listTrigger({
    key: 'device_list',
    noun: 'Device',
    path: '/api/v1/devices',
    label: 'List Devices',
    describe: 'the phones you may use',
  }),
  listTrigger({
    key: 'user_list',
    noun: 'User',
    path: '/api/v1/users',
    label: 'List Users',
    describe: "the account's users (administrators)",
  }),
  listTrigger({
    key: 'queue_list',
    noun: 'Queue',
    path: '/api/v1/queues',
    label: 'List Queues',
    describe: "the account's call-centre queues (administrators)",
  }),
];

module.exports = { listTriggers };

listTriggers.push(
  listTrigger({
    key: 'agent_list',
    noun: 'Agent',
    path: '/api/v1/agents',
    label: 'List Agents',
    describe: 'the call-centre agents you may change (administrators: all of the account)',
  }),
  listTrigger({
    key: 'sms_number_list',
    noun: 'Number',
    path: '/api/v1/sms/numbers',
    label: 'List SMS Numbers',
    describe: 'the numbers you may send SMS from',
  })
);
