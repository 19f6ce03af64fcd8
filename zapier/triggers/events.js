'use strict';
// One REST-hook trigger per event type of the catalogue (lib/catalogue.json, dumped from
// events/catalogue.py). Zapier subscribes when a Zap is turned on and unsubscribes when it is
// turned off; the service POSTs each event to bundle.targetUrl; perform passes it through.

const catalogue = require('../lib/catalogue.json');
const { apiUrl, errorMessage, fetchMe } = require('../lib/api');
const { outputFields, sample } = require('../lib/fields');

// The subscription filters of the hooks API, and the payload keys each one looks at.
const FILTERS = {
  direction: ['direction'],
  user_id: ['user_id'],
  device_id: ['device_id'],
  queue_id: ['queue_id'],
  number: ['from_number', 'to_number'],
};

const triggerKey = (type) => type.replace(/\./g, '_');

const nounOf = (type) => {
  if (type.startsWith('queue.')) return 'Queue Call';
  if (type.startsWith('agent.')) return 'Agent Status';
  return 'Call';
};

const describe = (eventType) => {
  const text = eventType.description;
  const when = `Triggers when ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  return eventType.admin_only ? `${when} For Kazoo account administrators.` : when;
};

const carries = (eventType, filter) =>
  FILTERS[filter].some((key) => eventType.payload_keys.includes(key));

// The input fields depend on who connected: administrators may follow the whole account and
// other users, and pick queues; everyone else receives their own calls.
const inputFieldsFor = (eventType) => async (z, bundle) => {
  const me = await fetchMe(z, bundle);
  const admin = Boolean(me.is_admin);
  const fields = [];
  if (admin && !eventType.admin_only) {
    fields.push({
      key: 'scope',
      label: 'Whose Calls',
      required: false,
      default: 'user',
      choices: [
        { value: 'user', label: 'My calls', sample: 'user' },
        { value: 'account', label: 'The whole account', sample: 'account' },
      ],
      helpText: 'As an account administrator you can receive the events of every user.',
      altersDynamicFields: false,
    });
  }
  if (carries(eventType, 'direction')) {
    fields.push({
      key: 'direction',
      label: 'Direction',
      required: false,
      choices: [
        { value: 'inbound', label: 'Inbound (from outside)', sample: 'inbound' },
        { value: 'outbound', label: 'Outbound (to outside)', sample: 'outbound' },
        { value: 'internal', label: 'Internal (between colleagues)', sample: 'internal' },
      ],
      helpText: 'Only calls in this direction, seen from the user. Empty: every direction.',
    });
  }
  if (admin && carries(eventType, 'user_id')) {
    fields.push({
      key: 'user_id',
      label: 'User',
      required: false,
      dynamic: 'user_list.id.name',
      helpText: 'Only events of this user (with "The whole account"). Empty: every user.',
    });
  }
  if (carries(eventType, 'device_id')) {
    fields.push({
      key: 'device_id',
      label: 'Device',
      required: false,
      dynamic: 'device_list.id.name',
      helpText: 'Only calls on this phone. Empty: every device.',
    });
  }
  if (admin && carries(eventType, 'queue_id')) {
    fields.push({
      key: 'queue_id',
      label: 'Queue',
      required: false,
      dynamic: 'queue_list.id.name',
      helpText: 'Only calls of this call-centre queue. Empty: every queue.',
    });
  }
  if (carries(eventType, 'number')) {
    fields.push({
      key: 'number',
      label: 'Phone Number',
      required: false,
      helpText: 'Only calls from or to this number, e.g. +14155550100. Empty: every number.',
    });
  }
  return fields;
};

const scopeOf = (eventType, bundle) =>
  eventType.admin_only ? 'account' : bundle.inputData.scope || 'user';

// Empty optional fields filter nothing, so they are left out.
const filtersOf = (eventType, bundle) => {
  const filters = {};
  for (const name of Object.keys(FILTERS)) {
    const value = bundle.inputData[name];
    if (value !== undefined && value !== null && String(value).trim() !== '' && carries(eventType, name)) {
      filters[name] = String(value).trim();
    }
  }
  return filters;
};

const makeTrigger = (eventType, kazooKeys) => {
  const performSubscribe = async (z, bundle) => {
    const response = await z.request({
      url: apiUrl('/api/v1/hooks'),
      method: 'POST',
      body: {
        target_url: bundle.targetUrl,
        event: eventType.type,
        scope: scopeOf(eventType, bundle),
        filters: filtersOf(eventType, bundle),
      },
    });
    return response.data; // kept by Zapier as bundle.subscribeData; its id unsubscribes
  };

  const performUnsubscribe = async (z, bundle) => {
    const response = await z.request({
      url: apiUrl(`/api/v1/hooks/${encodeURIComponent(bundle.subscribeData.id)}`),
      method: 'DELETE',
      skipThrowForStatus: true,
    });
    // 404: the subscription is already gone (deleted by staff, or by the user elsewhere).
    if (response.status !== 204 && response.status !== 404) {
      const { message, code } = errorMessage(response);
      throw new z.errors.Error(message, code || `http_${response.status}`, response.status);
    }
    return { id: bundle.subscribeData.id, unsubscribed: true };
  };

  // Zapier hands over the delivered JSON, plus the querystring it adds; the event is the rest.
  const perform = async (z, bundle) => {
    const { querystring, ...event } = bundle.cleanedRequest || {};
    return [event];
  };

  // The Zap editor's "test trigger": recent real events in the delivered shape, or one example.
  const performList = async (z, bundle) => {
    const params = { type: eventType.type, limit: 10, scope: scopeOf(eventType, bundle) };
    Object.assign(params, filtersOf(eventType, bundle));
    const response = await z.request({ url: apiUrl('/api/v1/events'), params });
    return response.data;
  };

  return {
    key: triggerKey(eventType.type),
    noun: nounOf(eventType.type),
    display: {
      label: eventType.title,
      description: describe(eventType),
    },
    operation: {
      type: 'hook',
      inputFields: [inputFieldsFor(eventType)],
      performSubscribe,
      performUnsubscribe,
      perform,
      performList,
      sample: sample(eventType, kazooKeys),
      outputFields: outputFields(eventType, kazooKeys),
    },
  };
};

const eventTriggers = catalogue.event_types.map((eventType) =>
  makeTrigger(eventType, catalogue.kazoo_keys)
);

module.exports = { FILTERS, eventTriggers, triggerKey };
