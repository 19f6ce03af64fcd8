'use strict';
// Send an SMS: only where the provider set SMS up in Kazoo. The app's SMS_ENABLED (set with
// `env:set`, like BASE_URL) shows it; otherwise it is hidden, and the service answers 404 anyway.

const { apiUrl, filled } = require('../lib/api');

const smsEnabled = () => process.env.SMS_ENABLED === 'true';

module.exports = {
  key: 'send_sms',
  noun: 'SMS',
  display: {
    label: 'Send an SMS',
    description: 'Sends a text message from your number (administrators: any of the account\'s numbers).',
    hidden: !smsEnabled(),
  },
  operation: {
    inputFields: [
      { key: 'to', label: 'To Number', required: true, helpText: 'E.g. +14155550100.' },
      { key: 'body', label: 'Message', required: true, type: 'text', helpText: 'Up to 700 characters.' },
      {
        key: 'from',
        label: 'From Number',
        required: false,
        dynamic: 'sms_number_list.id.name',
        helpText: 'Empty: your own number.',
      },
    ],
    perform: async (z, bundle) => {
      const body = filled(bundle.inputData, ['to', 'body', 'from']);
      const response = await z.request({ url: apiUrl('/api/v1/sms'), method: 'POST', body });
      return response.data;
    },
    sample: {
      request_id: 1,
      message_id: '7c1f5e2a9b3d4c6e8f0a1b2c3d4e5f60',
      from: '+4930555012',
      to: '+14155550100',
      body: 'Running 5 minutes late',
      route_type: 'offnet',
      status: 'sent',
      detail: 'SMS sent from +4930555012 to +14155550100.',
    },
    outputFields: [
      { key: 'request_id', label: 'Request ID', type: 'integer' },
      { key: 'message_id', label: 'Message ID' },
      { key: 'from', label: 'From Number' },
      { key: 'to', label: 'To Number' },
      { key: 'status', label: 'Status' },
    ],
  },
};
