import type { Delivery, Reply } from '../../src/webhooks/index.js';
import type { TwilioContext } from './context.js';
import { newMediaRows, newMessageRow } from './message-rows.js';
import { normalizeNumber } from './phone.js';
import { API_VERSION } from './serializers.js';
import type { ServiceRow } from './store-messaging.js';
import type { NumberRow } from './store-numbers.js';
import type { MessageRow } from './store.js';
import { parseTwiml } from './twiml.js';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);

export class InboundError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InboundInput {
  from: string;
  to: string;
  body: string;
  media?: string[];
  tenant?: string;
}

/**
 * A person texts one of an account's numbers: the message is stored (inbound, received) and the
 * number's SmsUrl gets Twilio's signed inbound request, in the same transaction; the TwiML the
 * app answers with is handled by `handleSmsReply`.
 */
export async function receiveInbound(ctx: TwilioContext, input: InboundInput): Promise<MessageRow> {
  const to = normalizeNumber(input.to.replace(/^ /, '+'));
  const from = normalizeNumber(input.from.replace(/^ /, '+'));
  const number = (input.tenant ? ctx.numbers.byNumber.get(input.tenant, to) : ctx.numbers.anyByNumber.get(to)) as NumberRow | undefined;
  if (!number) throw new InboundError(404, `no account owns the number ${to}: create it first (IncomingPhoneNumbers)`);
  const account = number.account_sid;
  const media = (input.media ?? []).filter(Boolean);
  const msg = newMessageRow(ctx, { account_sid: account, to_number: to, from_number: from, body: input.body, status: 'received', direction: 'inbound' }, media.length);
  msg.date_sent = msg.date_created;
  const rows = newMediaRows(ctx, account, msg.sid, media);
  const keyword = input.body.trim().toUpperCase();
  await ctx.db.write(() => {
    msg.seq = Number(ctx.store.insertMessage.run(msg).lastInsertRowid);
    for (const m of rows) ctx.store.insertMedia.run(m);
    if (OPT_OUT.has(keyword)) ctx.numbers.optOut.run(account, from, to, msg.date_created);
    if (OPT_IN.has(keyword)) ctx.numbers.optIn.run(account, from, to);
    // A number in a Messaging Service answers with the service's inbound URL unless the
    // service defers to the number's own.
    const service = ctx.messaging.serviceOfNumber.get(number.sid) as ServiceRow | undefined;
    const viaService = !!service?.inbound_request_url && !service.use_inbound_webhook_on_number;
    const hookUrl = viaService ? service!.inbound_request_url : number.sms_url;
    const hookMethod = viaService ? service!.inbound_method : number.sms_method;
    if (hookUrl) {
      const params: [string, string][] = [
        ['ToCountry', 'US'],
        ['ToState', ''],
        ['SmsMessageSid', msg.sid],
        ['NumMedia', String(media.length)],
        ['ToCity', ''],
        ['FromZip', ''],
        ['SmsSid', msg.sid],
        ['FromState', ''],
        ['SmsStatus', 'received'],
        ['FromCity', ''],
        ['Body', input.body],
        ['FromCountry', 'US'],
        ['To', to],
        ['ToZip', ''],
        ['NumSegments', String(msg.num_segments)],
        ['MessageSid', msg.sid],
        ['AccountSid', account],
        ['From', from],
        ['ApiVersion', API_VERSION],
      ];
      rows.forEach((m, i) => params.push([`MediaContentType${i}`, m.content_type], [`MediaUrl${i}`, m.url]));
      if (service) params.push(['MessagingServiceSid', service.sid]);
      if (OPT_OUT.has(keyword)) params.push(['OptOutType', 'STOP']);
      if (OPT_IN.has(keyword)) params.push(['OptOutType', 'START']);
      ctx.webhooks.enqueue({
        provider: 'twilio',
        tenant: account,
        resource: msg.sid,
        kind: 'message.inbound',
        url: hookUrl,
        method: hookMethod,
        params,
        signer: 'twilio',
        reply: 'twilio.sms-reply',
        context: { message: msg.sid, number: to, person: from },
      });
    }
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.message.received',
    tenant: account,
    id: msg.sid,
    summary: `${from} -> ${to}: ${input.body.slice(0, 60)}`,
    time: new Date(msg.date_created).toISOString(),
  });
  return msg;
}

/**
 * The app's answer to an inbound SMS: each `<Message>` becomes an outbound reply (direction
 * outbound-reply) with its own lifecycle; a person who texted STOP gets nothing (21610).
 */
export async function handleSmsReply(ctx: TwilioContext, d: Delivery, reply: Reply): Promise<void> {
  const { message, number, person } = d.context as { message: string; number: string; person: string };
  const parsed = parseTwiml(reply.body);
  if ('error' in parsed) {
    ctx.bus.emit({
      provider: 'twilio',
      type: 'twilio.twiml.error',
      tenant: d.tenant,
      id: message,
      summary: `12100 ${parsed.error}`,
      time: new Date(ctx.clock.now()).toISOString(),
    });
    return;
  }
  const created: MessageRow[] = [];
  await ctx.db.write(() => {
    for (const verb of parsed.verbs) {
      if (verb.name !== 'Message') continue;
      const to = verb.attrs.to ? normalizeNumber(verb.attrs.to) : person;
      const from = verb.attrs.from ? normalizeNumber(verb.attrs.from) : number;
      const bodyVerb = verb.children.find((c) => c.name === 'Body');
      const body = bodyVerb ? bodyVerb.text : verb.text;
      const media = verb.children.filter((c) => c.name === 'Media').map((c) => c.text);
      const optedOut = !!ctx.numbers.isOptedOut.get(d.tenant, to, from);
      const m = newMessageRow(
        ctx,
        {
          account_sid: d.tenant,
          to_number: to,
          from_number: from,
          body,
          status: optedOut ? 'failed' : 'queued',
          direction: 'outbound-reply',
          status_callback: verb.attrs.action ?? verb.attrs.statusCallback ?? null,
        },
        media.length,
      );
      if (optedOut) {
        m.error_code = 21610;
        m.error_message = 'Attempt to send to unsubscribed recipient';
      } else {
        m.next_step_at = ctx.lifecycle.nextStepAt(d.tenant, 'queued', m.date_created);
        m.outcome = ctx.lifecycle.outcomeFor(d.tenant, m.sid, to);
      }
      m.seq = Number(ctx.store.insertMessage.run(m).lastInsertRowid);
      for (const r of newMediaRows(ctx, d.tenant, m.sid, media)) ctx.store.insertMedia.run(r);
      created.push(m);
    }
  });
  for (const m of created) {
    ctx.lifecycle.schedule(m.next_step_at);
    ctx.bus.emit({
      provider: 'twilio',
      type: 'twilio.message.created',
      tenant: m.account_sid,
      id: m.sid,
      summary: `reply ${m.from_number} -> ${m.to_number}: ${m.body.slice(0, 60)}`,
      time: new Date(m.date_created).toISOString(),
    });
  }
}
