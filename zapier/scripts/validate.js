'use strict';
// Validates the app definition against zapier-platform-schema, as `zapier-platform validate`
// does: functions are first replaced by their serialized markers (core's cleaner), then the
// schema checks the result. Exits non-zero with every error listed.
process.env.BASE_URL = process.env.BASE_URL || 'https://kazoo-zapier.example.net';
const schema = require('zapier-platform-schema');
const { compileApp } = require('zapier-platform-core/src/tools/schema');
const { recurseCleanFuncs } = require('zapier-platform-core/src/tools/cleaner');
const App = require('../index');

const validationErrors = () =>
  schema.validateAppDefinition(recurseCleanFuncs(compileApp(App))).errors;

if (require.main === module) {
  const errors = validationErrors();
  for (const error of errors) console.error(`${error.property}: ${error.message}`);
  if (errors.length) process.exit(1);
  console.log(
    `app definition valid: ${Object.keys(App.triggers).length} triggers, ` +
      `${Object.keys(App.creates).length} creates, ${Object.keys(App.searches).length} searches`
  );
}

module.exports = { validationErrors };
