// Event types the Twilio simulator emits.
declare module '../../src/events/index.js' {
  interface SimEventTypes {
    'twilio.message.created': true;
    'twilio.message.updated': true;
    'twilio.message.deleted': true;
    'twilio.media.deleted': true;
    'twilio.message.received': true;
    'twilio.twiml.error': true;
    'twilio.number.created': true;
    'twilio.verify_service.created': true;
    'twilio.verification.created': true;
    'twilio.verification.updated': true;
    'twilio.call.created': true;
    'twilio.call.updated': true;
    'twilio.call.deleted': true;
    'twilio.recording.created': true;
    'twilio.recording.deleted': true;
    'twilio.transcription.deleted': true;
  }
}
export {};
