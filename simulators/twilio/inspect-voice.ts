import { json, type InspectQuery, type InspectRoute, type SimResponse } from '../../src/core/index.js';
import type { TwilioContext } from './context.js';
import { newCall } from './operations/voice/CreateCall.js';
import { normalizeNumber } from './phone.js';
import { recordingMediaUrl, serializeCall, serializeRecording, serializeTranscription } from './serializers-voice.js';
import type { NumberRow } from './store-numbers.js';
import type { CallRow, RecordingRow, TranscriptionRow } from './store-voice.js';
import { CALL_STATUSES, CallStateError, FINAL_CALL_STATUSES } from './voice-lifecycle.js';

const bad = (message: string) => json(400, { error: { code: 'bad_request', message } });
const notFound = (message: string) => json(404, { error: { code: 'not_found', message } });
// An unencoded '+' in a query string arrives as a space: read it back as the '+' it was.
const number = (v: string) => normalizeNumber(v.replace(/^ /, '+'));

/** A call as /__inspect shows it: the resource, its timeline, the TwiML it ran, recordings and transcripts. */
export function inspectCall(ctx: TwilioContext, c: CallRow): Record<string, unknown> {
  const recordings = ctx.voice.recordingsOfCall.all(c.sid) as RecordingRow[];
  return {
    ...serializeCall(c),
    error_code: c.error_code,
    error_message: c.error_message,
    timeline: JSON.parse(c.timeline),
    twiml: JSON.parse(c.documents),
    waiting_for: c.waiting ? (JSON.parse(c.waiting) as { kind: string }).kind : null,
    recordings: recordings.map((r) => {
      const media = recordingMediaUrl(ctx.publicUrl, r.account_sid, r.sid);
      return {
        ...serializeRecording(r, ctx.publicUrl),
        media_urls: { wav: `${media}.wav`, mp3: `${media}.mp3` },
        transcriptions: (ctx.voice.transcriptionsOfRecording.all(r.sid) as TranscriptionRow[]).map(serializeTranscription),
      };
    }),
  };
}

/** /__inspect/twilio/calls?to=&from=&status=&tenant=&since= : newest first. */
export function inspectCalls(ctx: TwilioContext, q: InspectQuery): unknown[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.tenant) (where.push('account_sid = ?'), args.push(q.tenant));
  const to = q.params.get('to');
  if (to) (where.push('to_number = ?'), args.push(number(to)));
  const from = q.params.get('from');
  if (from) (where.push('from_number = ?'), args.push(number(from)));
  const status = q.params.get('status');
  if (status) (where.push('status = ?'), args.push(status));
  const parent = q.params.get('parent_call_sid');
  if (parent) (where.push('parent_call_sid = ?'), args.push(parent));
  if (q.sinceTime !== undefined) (where.push('date_created > ?'), args.push(q.sinceTime));
  if (q.sinceId !== undefined) {
    where.push('seq > COALESCE((SELECT seq FROM twilio_calls WHERE sid = ?), 9e18)');
    args.push(q.sinceId);
  }
  const rows = ctx.db
    .stmt(`SELECT * FROM twilio_calls ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`)
    .all(...args, q.limit) as CallRow[];
  return rows.map((r) => inspectCall(ctx, r));
}

function callOf(ctx: TwilioContext, sid: string, tenant: string | undefined): CallRow | undefined {
  const row = ctx.voice.getCallAnyAccount.get(sid) as CallRow | undefined;
  return row && (!tenant || tenant === row.account_sid) ? row : undefined;
}

/** POST /calls/inbound, /calls/{sid}/advance, /calls/{sid}/gather */
export function voiceInspectRoutes(ctx: TwilioContext): InspectRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/calls/inbound',
      handler: async (req): Promise<SimResponse> => {
        const b = (req.body ?? {}) as { from?: unknown; to?: unknown };
        if (typeof b.from !== 'string' || !b.from) return bad('from (the person calling) is required');
        if (typeof b.to !== 'string' || !b.to) return bad("to (one of the account's numbers) is required");
        const to = number(b.to);
        const from = number(b.from);
        const n = (req.tenant ? ctx.numbers.byNumber.get(req.tenant, to) : ctx.numbers.anyByNumber.get(to)) as NumberRow | undefined;
        if (!n) return notFound(`no account owns the number ${to}: create it first (IncomingPhoneNumbers)`);
        const now = ctx.clock.now();
        const call = newCall(ctx, {
          account_sid: n.account_sid,
          to_number: to,
          from_number: from,
          status: 'ringing',
          direction: 'inbound',
          phone_number_sid: n.sid,
          start_time: now,
          url: n.voice_url,
          method: n.voice_method,
          status_callback: n.status_callback,
          status_callback_method: n.status_callback_method,
        });
        call.outcome = 'completed';
        call.next_step_at = ctx.calls.nextStepAt(n.account_sid, 'ringing', now);
        await ctx.db.write(() => {
          call.seq = Number(ctx.voice.insertCall.run(call).lastInsertRowid);
        });
        ctx.calls.schedule(call.next_step_at);
        ctx.bus.emit({ provider: 'twilio', type: 'twilio.call.created', tenant: n.account_sid, id: call.sid, summary: `inbound ${from} -> ${to}`, time: new Date(now).toISOString() });
        return json(201, inspectCall(ctx, call));
      },
    },
    {
      method: 'POST',
      pattern: '/calls/:sid/advance',
      handler: async (req) => {
        const body = (req.body ?? {}) as { status?: unknown };
        const target = typeof body.status === 'string' ? body.status : (req.query.get('status') ?? undefined);
        if (target !== undefined && !CALL_STATUSES.includes(target)) return bad(`status must be one of ${CALL_STATUSES.join(', ')}`);
        const c = callOf(ctx, req.params.sid, req.tenant);
        if (!c) return notFound(`no call ${req.params.sid}`);
        if (FINAL_CALL_STATUSES.has(c.status)) return json(200, inspectCall(ctx, c));
        const row = await ctx.calls.advance(c.sid, target);
        return json(200, inspectCall(ctx, row!));
      },
    },
    {
      method: 'POST',
      pattern: '/calls/:sid/gather',
      handler: async (req) => {
        const b = (req.body ?? {}) as { digits?: unknown; speech?: unknown };
        if (b.digits !== undefined && (typeof b.digits !== 'string' || !/^[0-9*#w]*$/.test(b.digits))) return bad('digits must be a string of 0-9, * and #');
        if (b.speech !== undefined && typeof b.speech !== 'string') return bad('speech must be a string');
        if (b.digits === undefined && b.speech === undefined) return bad('give digits or speech');
        const c = callOf(ctx, req.params.sid, req.tenant);
        if (!c) return notFound(`no call ${req.params.sid}`);
        try {
          const row = await ctx.calls.gather(c.sid, { digits: b.digits as string | undefined, speech: b.speech as string | undefined });
          return json(200, inspectCall(ctx, row));
        } catch (e) {
          if (e instanceof CallStateError) return json(409, { error: { code: 'not_gathering', message: e.message } });
          throw e;
        }
      },
    },
  ];
}
