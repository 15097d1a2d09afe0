export * from './brand.js';
export * from './domain.js';
export * from './records.js';
export * from './config.js';
export * from './config-toml.js';
export * from './api.js';
export * from './engine-protocol.js';
export * from './client-order-id.js';
