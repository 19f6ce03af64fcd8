'use strict';
// The Zapier app of kazoo-zapier: instant triggers for Kazoo call events; actions (Make a Call,
// the call centre, call forwarding, Do Not Disturb, SMS) and searches (users, calls, agents).

const authentication = require('./authentication');
const { includeBearerToken, throwServiceErrors } = require('./lib/api');
const { eventTriggers } = require('./triggers/events');
const { listTriggers } = require('./triggers/lists');
const makeCall = require('./creates/make_call');
const { agentLogin, agentPause } = require('./creates/agents');
const { setCallForwarding, setDoNotDisturb } = require('./creates/settings');
const sendSms = require('./creates/send_sms');
const { searches } = require('./searches');

const byKey = (items) => Object.fromEntries(items.map((item) => [item.key, item]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,

  authentication,
  beforeRequest: [includeBearerToken],
  afterResponse: [throwServiceErrors],

  triggers: byKey([...eventTriggers, ...listTriggers]),
  creates: byKey([makeCall, agentLogin, agentPause, setCallForwarding, setDoNotDisturb, sendSms]),
  searches: byKey(searches),
  resources: {},
};
