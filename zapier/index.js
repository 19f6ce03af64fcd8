'use strict';
// The Zapier app of kazoo-zapier: instant triggers for Kazoo call events and a Make a Call action.

const authentication = require('./authentication');
const { includeBearerToken, throwServiceErrors } = require('./lib/api');
const { eventTriggers } = require('./triggers/events');
const { listTriggers } = require('./triggers/lists');
const makeCall = require('./creates/make_call');

const byKey = (items) => Object.fromEntries(items.map((item) => [item.key, item]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,

  authentication,
  beforeRequest: [includeBearerToken],
  afterResponse: [throwServiceErrors],

  triggers: byKey([...eventTriggers, ...listTriggers]),
  creates: { [makeCall.key]: makeCall },
  searches: {},
  resources: {},
};
