// Event types the Twilio simulator emits.
declare module '../../src/events/index.js' {
  interface SimEventTypes {
    'twilio.message.created': true;
    'twilio.message.updated': true;
    'twilio.message.deleted': true;
    'twilio.media.deleted': true;
  }
}
export {};
