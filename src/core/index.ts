export * from './types.js';
export * from './errors.js';
export * from './ids.js';
export * from './clock.js';
export * from './form.js';
export * from './routes.js';
export * from './respond.js';
export * from './config.js';
