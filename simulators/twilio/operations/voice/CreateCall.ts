import { first, twilioSid, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { voiceErrors } from '../../errors-voice.js';
import { isValidTo, normalizeNumber } from '../../phone.js';
import type { NumberRow } from '../../store-numbers.js';
import type { CallRow } from '../../store-voice.js';
import { parseTwiml } from '../../twiml.js';
import { CALLBACK_EVENTS } from '../../voice-lifecycle.js';

export function httpUrl(v: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(v);
}

export function method(form: FormValues, name: string): string {
  const v = first(form, name);
  if (v === undefined || v === '') return 'POST';
  const m = v.toUpperCase();
  if (m !== 'GET' && m !== 'POST') throw voiceErrors.invalidMethod(name, v);
  return m;
}

/** Checks inline TwiML as Twilio does when the call is created or updated. */
export function checkTwiml(twiml: string): void {
  if (twiml.length > 4000) throw voiceErrors.twimlTooLong();
  const parsed = parseTwiml(twiml);
  if ('error' in parsed) throw voiceErrors.invalidTwiml(parsed.error);
}

/** A call row with every column at its default. */
export function newCall(ctx: TwilioContext, fields: Partial<CallRow> & Pick<CallRow, 'account_sid' | 'to_number' | 'from_number' | 'status' | 'direction'>): CallRow {
  const now = ctx.clock.now();
  return {
    seq: 0,
    sid: twilioSid('CA'),
    parent_call_sid: null,
    phone_number_sid: null,
    answered_by: null,
    start_time: null,
    end_time: null,
    duration: null,
    url: null,
    method: 'POST',
    twiml: null,
    status_callback: null,
    status_callback_method: 'POST',
    status_callback_events: 'completed',
    record: 0,
    recording_status_callback: null,
    recording_status_callback_method: 'POST',
    timeout: 60,
    machine_detection: null,
    error_code: null,
    error_message: null,
    outcome: null,
    next_step_at: null,
    sequence: 0,
    elapsed: 0,
    timeline: JSON.stringify([{ status: fields.status, time: new Date(now).toISOString() }]),
    documents: '[]',
    waiting: null,
    date_created: now,
    date_updated: now,
    ...fields,
  };
}

/** POST /2010-04-01/Accounts/{AccountSid}/Calls.json */
export async function CreateCall(ctx: TwilioContext, account: string, form: FormValues): Promise<CallRow> {
  const rawTo = first(form, 'To');
  if (rawTo === undefined || rawTo.trim() === '') throw voiceErrors.toRequired();
  const rawFrom = first(form, 'From');
  if (rawFrom === undefined || rawFrom.trim() === '') throw voiceErrors.fromRequired();
  const url = first(form, 'Url') || undefined;
  const twiml = first(form, 'Twiml') || undefined;
  const app = first(form, 'ApplicationSid') || undefined;
  if (!url && !twiml && !app) throw voiceErrors.urlRequired();
  if (!url && !twiml) throw voiceErrors.urlRequired();
  if (url && !twiml && !httpUrl(url)) throw voiceErrors.invalidUrl(url);
  if (twiml) checkTwiml(twiml);

  const isClient = /^(client|sip):/i.test(rawTo.trim());
  const to = isClient ? rawTo.trim() : normalizeNumber(rawTo);
  if (!isClient && !isValidTo(to)) throw voiceErrors.invalidTo(rawTo);
  const from = /^client:/i.test(rawFrom.trim()) ? rawFrom.trim() : normalizeNumber(rawFrom);
  if (!/^client:/i.test(from) && !isValidTo(from)) throw voiceErrors.invalidFrom(rawFrom);

  const statusCallback = first(form, 'StatusCallback') || null;
  if (statusCallback && !httpUrl(statusCallback)) throw voiceErrors.invalidUrl(statusCallback);
  const events = (form.get('StatusCallbackEvent') ?? []).flatMap((e) => e.split(/[\s,]+/)).filter(Boolean).map((e) => e.toLowerCase());
  for (const e of events) if (!CALLBACK_EVENTS.includes(e)) throw voiceErrors.invalidEvent(e);
  const timeoutRaw = first(form, 'Timeout');
  let timeout = 60;
  if (timeoutRaw !== undefined && timeoutRaw !== '') {
    timeout = Number(timeoutRaw);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600) throw voiceErrors.invalidTimeout(timeoutRaw);
  }
  const recordRaw = (first(form, 'Record') ?? '').toLowerCase();
  const recordingCallback = first(form, 'RecordingStatusCallback') || null;
  if (recordingCallback && !httpUrl(recordingCallback)) throw voiceErrors.invalidUrl(recordingCallback);
  const md = first(form, 'MachineDetection') || null;

  const owned = ctx.numbers.byNumber.get(account, from) as NumberRow | undefined;
  const now = ctx.clock.now();
  const call = newCall(ctx, {
    account_sid: account,
    to_number: to,
    from_number: from,
    status: 'queued',
    direction: 'outbound-api',
    phone_number_sid: owned?.sid ?? null,
    url: twiml ? null : (url ?? null),
    method: method(form, 'Method'),
    twiml: twiml ?? null,
    status_callback: statusCallback,
    status_callback_method: method(form, 'StatusCallbackMethod'),
    status_callback_events: events.length ? [...new Set(events)].join(' ') : 'completed',
    record: recordRaw === 'true' ? 1 : 0,
    recording_status_callback: recordingCallback,
    recording_status_callback_method: method(form, 'RecordingStatusCallbackMethod'),
    timeout,
    machine_detection: md,
  });
  call.outcome = ctx.calls.outcomeFor(account, to);
  call.next_step_at = ctx.calls.nextStepAt(account, 'queued', now);
  await ctx.db.write(() => {
    call.seq = Number(ctx.voice.insertCall.run(call).lastInsertRowid);
  });
  ctx.calls.schedule(call.next_step_at);
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.call.created',
    tenant: account,
    id: call.sid,
    summary: `queued ${from} -> ${to}`,
    time: new Date(now).toISOString(),
  });
  return call;
}
