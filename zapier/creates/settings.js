'use strict';
// A user's settings in Kazoo: Set Call Forwarding (on to a number, with Kazoo's options, or off)
// and Set Do Not Disturb. Users change their own; administrators any user of the account.

const { apiUrl, filled, toBool } = require('../lib/api');

const userField = {
  key: 'user_id',
  label: 'User',
  required: false,
  dynamic: 'user_list.id.name',
  helpText: 'Whose setting to change. Empty: yours. (The list is for administrators.)',
};

const userPath = (bundle, tail) =>
  apiUrl(`/api/v1/users/${bundle.inputData.user_id ? encodeURIComponent(bundle.inputData.user_id) : 'me'}/${tail}`);

const OPTIONS = ['keep_caller_id', 'require_keypress', 'direct_calls_only', 'ring_phones_too'];

const setCallForwarding = {
  key: 'set_call_forwarding',
  noun: 'Call Forwarding',
  display: {
    label: 'Set Call Forwarding',
    description: 'Turns a user\'s call forwarding on (to a number, e.g. their mobile) or off.',
  },
  operation: {
    inputFields: [
      userField,
      { key: 'enabled', label: 'Forward Calls', type: 'boolean', required: true, helpText: 'Yes: forward to the number. No: stop forwarding.' },
      { key: 'number', label: 'Forward to Number', required: false, helpText: 'E.g. +14155550100. Needed to turn forwarding on the first time; kept when empty.' },
      { key: 'keep_caller_id', label: 'Keep the Caller\'s ID', type: 'boolean', required: false, helpText: 'Show who is calling on the forwarded phone (Kazoo\'s default: yes).' },
      { key: 'require_keypress', label: 'Require a Key Press', type: 'boolean', required: false, helpText: 'The forwarded phone must press a key to take the call, so a voicemail cannot (default: yes).' },
      { key: 'direct_calls_only', label: 'Direct Calls Only', type: 'boolean', required: false, helpText: 'Forward only calls to the user, not ring-group or queue calls (default: no).' },
      { key: 'ring_phones_too', label: 'Ring My Phones Too', type: 'boolean', required: false, helpText: 'Ring the user\'s phones as well as the forward number (default: no).' },
    ],
    perform: async (z, bundle) => {
      const body = { enabled: toBool(bundle.inputData.enabled) === true, ...filled(bundle.inputData, ['number']) };
      for (const key of OPTIONS) {
        const value = toBool(bundle.inputData[key]);
        if (value !== undefined) body[key] = value;
      }
      const response = await z.request({ url: userPath(bundle, 'call-forwarding'), method: 'PUT', body });
      return response.data;
    },
    sample: {
      user_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
      user_name: 'Bob Berger',
      call_forward: {
        enabled: true,
        number: '+14155550100',
        keep_caller_id: true,
        require_keypress: true,
        direct_calls_only: false,
        ring_phones_too: false,
      },
      detail: 'Call forwarding for Bob Berger is to +14155550100.',
      request_id: 1,
    },
    outputFields: [
      { key: 'user_id', label: 'User ID' },
      { key: 'user_name', label: 'User Name' },
      { key: 'call_forward__enabled', label: 'Forwarding On', type: 'boolean' },
      { key: 'call_forward__number', label: 'Forwarded To' },
      { key: 'detail', label: 'Result' },
    ],
  },
};

const setDoNotDisturb = {
  key: 'set_do_not_disturb',
  noun: 'Do Not Disturb',
  display: {
    label: 'Set Do Not Disturb',
    description: 'Turns Do Not Disturb on or off for a user.',
  },
  operation: {
    inputFields: [
      userField,
      { key: 'enabled', label: 'Do Not Disturb', type: 'boolean', required: true },
    ],
    perform: async (z, bundle) => {
      const body = { enabled: toBool(bundle.inputData.enabled) === true };
      const response = await z.request({ url: userPath(bundle, 'do-not-disturb'), method: 'PUT', body });
      return response.data;
    },
    sample: {
      user_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
      user_name: 'Bob Berger',
      do_not_disturb: true,
      detail: 'Do Not Disturb for Bob Berger is on.',
      request_id: 1,
    },
    outputFields: [
      { key: 'user_id', label: 'User ID' },
      { key: 'user_name', label: 'User Name' },
      { key: 'do_not_disturb', label: 'Do Not Disturb', type: 'boolean' },
      { key: 'detail', label: 'Result' },
    ],
  },
};

module.exports = { setCallForwarding, setDoNotDisturb };
