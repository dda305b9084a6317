import { first, type FormValues } from '../../../src/core/index.js';
import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { newMediaRows, newMessageRow } from '../message-rows.js';
import { countSegments, isValidFrom, isValidTo, normalizeNumber } from '../phone.js';
import type { ServiceRow } from '../store-messaging.js';
import type { MediaRow, MessageRow } from '../store.js';

const MG_SID = /^MG[0-9a-fA-F]{32}$/;
const MIN_SCHEDULE_MS = 15 * 60 * 1000;
const MAX_SCHEDULE_MS = 35 * 24 * 60 * 60 * 1000;

/** Twilio's test numbers and the errors they trigger. */
function magicTo(to: string, from: string): void {
  switch (to) {
    case '+15005550001':
      throw errors.invalidTo(to);
    case '+15005550002':
      throw errors.unreachable(to, from);
    case '+15005550003':
      throw errors.noPermission(to);
    case '+15005550004':
      throw errors.unsubscribed();
    case '+15005550009':
      throw errors.notMobile();
  }
}

function magicFrom(from: string): void {
  switch (from) {
    case '+15005550001':
      throw errors.invalidFrom(from);
    case '+15005550007':
      throw errors.fromNotOwned(from);
    case '+15005550008':
      throw errors.queueFull();
  }
}

export interface CreatedMessage {
  message: MessageRow;
  media: MediaRow[];
}

/** POST /2010-04-01/Accounts/{AccountSid}/Messages.json */
export async function CreateMessage(ctx: TwilioContext, account: string, form: FormValues): Promise<CreatedMessage> {
  const rawTo = first(form, 'To');
  if (rawTo === undefined || rawTo.trim() === '') throw errors.toRequired();
  const rawFrom = first(form, 'From');
  const service = first(form, 'MessagingServiceSid') || undefined;
  if ((rawFrom === undefined || rawFrom.trim() === '') && !service) throw errors.fromRequired();
  const body = first(form, 'Body') ?? '';
  const mediaUrls = (form.get('MediaUrl') ?? []).filter((u) => u !== '');
  const contentSid = first(form, 'ContentSid');
  if (body === '' && mediaUrls.length === 0 && !contentSid) throw errors.bodyRequired();
  if (body.length > 1600) throw errors.bodyTooLong();

  const to = normalizeNumber(rawTo);
  if (!isValidTo(to)) throw errors.invalidTo(rawTo);
  const from = rawFrom !== undefined && rawFrom.trim() !== '' ? normalizeNumber(rawFrom) : null;
  if (from !== null && !isValidFrom(from)) throw errors.invalidFrom(rawFrom!);
  if (service && !MG_SID.test(service)) throw errors.invalidMessagingService(service);
  const serviceRow = service ? (ctx.messaging.get.get(account, service) as ServiceRow | undefined) : undefined;
  if (service && !serviceRow) throw errors.invalidMessagingService(service);
  if (service && (rawFrom === undefined || rawFrom.trim() === '') && ctx.messaging.sendersOf(account, service).length === 0) {
    throw errors.serviceHasNoNumbers(service);
  }
  if (from !== null) magicFrom(from);
  magicTo(to, from ?? '');
  // A person who texted STOP to this number gets nothing more from it.
  if (from !== null && ctx.numbers.isOptedOut.get(account, to, from)) throw errors.unsubscribed();
  for (const u of mediaUrls) {
    if (!/^https?:\/\/[^\s/]+/i.test(u)) {
      throw errors.invalidParam(`Media urls: ${u} are invalid. Please use only valid http and https urls`);
    }
  }

  const now = ctx.clock.now(account);
  // Scheduling needs a Messaging Service; without one Twilio drops the schedule parameters.
  let sendAt: number | null = null;
  const scheduleType = first(form, 'ScheduleType');
  const sendAtRaw = first(form, 'SendAt');
  if (service && scheduleType === 'fixed') {
    const t = sendAtRaw ? Date.parse(sendAtRaw) : NaN;
    if (!Number.isFinite(t) || t - now < MIN_SCHEDULE_MS || t - now > MAX_SCHEDULE_MS) throw errors.sendAtOutOfRange();
    sendAt = t;
  }

  const message = newMessageRow(
    ctx,
    {
      account_sid: account,
      to_number: to,
      from_number: from,
      body,
      status: sendAt !== null ? 'scheduled' : service ? 'accepted' : 'queued',
      direction: 'outbound-api',
      // Through a Messaging Service the sender (and so the encoding) is not chosen yet: Twilio shows 0.
      num_segments: service ? 0 : countSegments(body),
      messaging_service_sid: service ?? null,
      send_at: sendAt,
      status_callback: first(form, 'StatusCallback') || serviceRow?.status_callback || null,
      params: JSON.stringify(Object.fromEntries(form)),
      date_created: now,
      date_updated: now,
    },
    mediaUrls.length,
  );
  const sid = message.sid;
  const media = newMediaRows(ctx, account, sid, mediaUrls);

  message.next_step_at = ctx.lifecycle.nextStepAt(account, message.status, now, sendAt);
  message.outcome = ctx.lifecycle.outcomeFor(account, sid, to);
  await ctx.db.write(() => {
    message.seq = Number(ctx.store.insertMessage.run(message).lastInsertRowid);
    for (const m of media) m.seq = Number(ctx.store.insertMedia.run(m).lastInsertRowid);
  });
  ctx.lifecycle.schedule(message.next_step_at);
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.message.created',
    tenant: account,
    id: sid,
    summary: `${message.status} ${from ?? service} -> ${to}: ${body.slice(0, 60)}`,
    time: new Date(now).toISOString(),
  });
  return { message, media };
}
