// Event types the SendGrid simulator emits.
declare module '../../src/events/index.js' {
  interface SimEventTypes {
    'sendgrid.mail.accepted': true;
    'sendgrid.batch.created': true;
    'sendgrid.scheduled_send.updated': true;
    'sendgrid.template.created': true;
    'sendgrid.template.updated': true;
    'sendgrid.template.deleted': true;
    'sendgrid.event': true;
  }
}
export {};
