'use strict';
// Make a Call: click-to-call. Kazoo rings the chosen phone of the connected user first; when
// they pick up, it calls the number. The service's errors (a bad number, an offline phone, Kazoo
// down) reach the Zap's user as the service words them.

const { apiUrl } = require('../lib/api');

const perform = async (z, bundle) => {
  const body = { to: bundle.inputData.to };
  for (const key of ['device_id', 'caller_id_name', 'caller_id_number']) {
    const value = bundle.inputData[key];
    if (value !== undefined && value !== null && String(value).trim() !== '') body[key] = value;
  }
  if (bundle.inputData.auto_answer !== undefined && bundle.inputData.auto_answer !== '') {
    body.auto_answer = ['true', 'yes', '1', true].includes(bundle.inputData.auto_answer);
  }
  const response = await z.request({ url: apiUrl('/api/v1/calls'), method: 'POST', body });
  return response.data;
};

module.exports = {
  key: 'make_call',
  noun: 'Call',
  display: {
    label: 'Make a Call',
    description: 'Rings one of your phones and, when you answer, calls the number.',
  },
  operation: {
    inputFields: [
      {
        key: 'to',
        label: 'Number to Call',
        required: true,
        helpText: 'A phone number (e.g. +14155550100) or an extension of your account.',
      },
      {
        key: 'device_id',
        label: 'Your Phone',
        required: false,
        dynamic: 'device_list.id.name',
        helpText: 'The phone that rings first. Empty: all your phones ring.',
      },
      {
        key: 'caller_id_name',
        label: 'Caller ID Name',
        required: false,
        helpText: 'The name the called party sees. Empty: your usual caller ID.',
      },
      {
        key: 'caller_id_number',
        label: 'Caller ID Number',
        required: false,
        helpText: 'The number the called party sees; it must be one of your account\'s numbers.',
      },
      {
        key: 'auto_answer',
        label: 'Answer My Phone Automatically',
        type: 'boolean',
        required: false,
        helpText: 'Ask your phone to pick up by itself (not every phone supports it).',
      },
    ],
    perform,
    sample: {
      id: 1,
      status: 'ringing',
      to: '+14155550100',
      is_extension: false,
      device_id: '9a8b7c6d5e4f30211a2b3c4d5e6f7081',
      call_id: 'c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6',
      created_at: '2024-05-14T09:30:12Z',
    },
    outputFields: [
      { key: 'id', label: 'Call Request ID', type: 'integer' },
      { key: 'status', label: 'Status' },
      { key: 'to', label: 'Number Called' },
      { key: 'is_extension', label: 'Is an Extension', type: 'boolean' },
      { key: 'device_id', label: 'Device ID' },
      { key: 'call_id', label: 'Call ID (as in the call events)' },
      { key: 'created_at', label: 'Requested At', type: 'datetime' },
    ],
  },
};
