/* global jest */
// Integration and end-to-end tests wait on real brokers and services; each wait has its own named limit.
jest.setTimeout(180_000);
