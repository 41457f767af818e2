// @ts-check
/** Jest globalTeardown of the e2e project: undoes global-setup.js, keeping the logs. */
const fs = require('node:fs');
const kafka = require('../../deploy/local/kafka');
const services = require('../../deploy/local/services');
const { KAFKA_MARKER, PLATFORM_FILE, STATE_DIR, stopOwnKafka } = require('./global-setup');

module.exports = async function globalTeardown() {
  await services.stopServices(STATE_DIR);
  if (fs.existsSync(PLATFORM_FILE)) {
    const platform = JSON.parse(fs.readFileSync(PLATFORM_FILE, 'utf8'));
    await kafka.deleteTopics(platform.namespace, platform.kafka.brokers);
  }
  if (fs.existsSync(KAFKA_MARKER)) await stopOwnKafka();
};
