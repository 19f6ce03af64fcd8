'use strict';
// Call-centre agents: Log an Agent In / Out (all queues or one), Pause an Agent / Resume (for
// minutes or until resumed, resume, end wrap-up). The service confirms the change from Kazoo's
// agent status; `confirmed` is false when it did not show yet (the agent may be on a call).

const { apiUrl, filled } = require('../lib/api');

const agentField = {
  key: 'agent_id',
  label: 'Agent',
  required: false,
  dynamic: 'agent_list.id.name',
  helpText: 'The agent to change. Empty: yourself. Administrators may choose any agent of the account.',
};

const perform = async (z, bundle) => {
  const agent = bundle.inputData.agent_id ? encodeURIComponent(bundle.inputData.agent_id) : 'me';
  const body = filled(bundle.inputData, ['action', 'queue_id']);
  if (bundle.inputData.minutes !== undefined && String(bundle.inputData.minutes).trim() !== '') {
    body.minutes = Number(bundle.inputData.minutes);
  }
  const response = await z.request({ url: apiUrl(`/api/v1/agents/${agent}/status`), method: 'POST', body });
  return response.data;
};

const sample = {
  agent_id: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
  agent_name: 'Bob Berger',
  action: 'login',
  queue_id: null,
  status: 'ready',
  previous_status: 'logged_out',
  queues: [{ id: '5d4c3b2a19080f1e2d3c4b5a69788796', name: 'Support' }],
  changed: true,
  confirmed: true,
  detail: 'Bob Berger is now logged in and ready.',
  request_id: 1,
};

const outputFields = [
  { key: 'agent_id', label: 'Agent ID' },
  { key: 'agent_name', label: 'Agent Name' },
  { key: 'action', label: 'Action' },
  { key: 'status', label: 'Agent Status' },
  { key: 'previous_status', label: 'Previous Agent Status' },
  { key: 'changed', label: 'Changed', type: 'boolean' },
  { key: 'confirmed', label: 'Confirmed by Kazoo', type: 'boolean' },
  { key: 'detail', label: 'Result' },
  { key: 'request_id', label: 'Request ID', type: 'integer' },
];

const agentLogin = {
  key: 'agent_login',
  noun: 'Agent',
  display: {
    label: 'Log an Agent In or Out',
    description: 'Logs a call-centre agent in to or out of their queues (all of them, or one).',
  },
  operation: {
    inputFields: [
      agentField,
      {
        key: 'action',
        label: 'In or Out',
        required: true,
        choices: { login: 'Log in', logout: 'Log out' },
        default: 'login',
      },
      {
        key: 'queue_id',
        label: 'Queue',
        required: false,
        dynamic: 'queue_list.id.name',
        helpText: 'Only this queue. Empty: all of the agent\'s queues. (The list is for administrators.)',
      },
    ],
    perform,
    sample,
    outputFields,
  },
};

const agentPause = {
  key: 'agent_pause',
  noun: 'Agent',
  display: {
    label: 'Pause or Resume an Agent',
    description: 'Pauses a call-centre agent (for some minutes, or until resumed), resumes them, or ends their wrap-up.',
  },
  operation: {
    inputFields: [
      agentField,
      {
        key: 'action',
        label: 'Pause, Resume or End Wrap-up',
        required: true,
        choices: { pause: 'Pause', resume: 'Resume', end_wrapup: 'End wrap-up' },
        default: 'pause',
      },
      {
        key: 'minutes',
        label: 'Pause for (minutes)',
        type: 'integer',
        required: false,
        helpText: 'Pause only: how long. Empty: until resumed.',
      },
    ],
    perform,
    sample: { ...sample, action: 'pause', status: 'paused', previous_status: 'ready', detail: 'Bob Berger is now paused.' },
    outputFields,
  },
};

module.exports = { agentLogin, agentPause };
