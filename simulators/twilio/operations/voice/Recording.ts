import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { recordingUri } from '../../serializers-voice.js';
import type { RecordingRow, Where } from '../../store-voice.js';
import { mp3For, wavFor } from '../../voice-media.js';
import { FetchCall } from './FetchCall.js';
import { dateFilters, pageOf, type VoicePage } from './paging.js';

/** GET /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json */
export function FetchRecording(ctx: TwilioContext, account: string, sid: string): RecordingRow {
  const row = ctx.voice.getRecording.get(account, sid) as RecordingRow | undefined;
  if (!row) throw errors.notFound(recordingUri(account, sid));
  return row;
}

/** GET /2010-04-01/Accounts/{AccountSid}/Recordings.json (CallSid, DateCreated filters) */
export function ListRecording(ctx: TwilioContext, account: string, q: FormValues): VoicePage<RecordingRow> {
  const w: Where = { sql: ['account_sid = ?'], args: [account] };
  const filters: [string, string][] = [];
  const call = first(q, 'CallSid');
  if (call !== undefined) (w.sql.push('call_sid = ?'), w.args.push(call), filters.push(['CallSid', call]));
  dateFilters(q, 'DateCreated', 'date_created', w, filters);
  return pageOf<RecordingRow>(ctx, 'twilio_recordings', w, q, filters);
}

/** DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json */
export async function DeleteRecording(ctx: TwilioContext, account: string, sid: string, callSid?: string): Promise<void> {
  await ctx.db.write(() => {
    const row = ctx.voice.getRecording.get(account, sid) as RecordingRow | undefined;
    if (!row || (callSid !== undefined && row.call_sid !== callSid)) {
      throw errors.notFound(callSid ? `/2010-04-01/Accounts/${account}/Calls/${callSid}/Recordings/${sid}.json` : recordingUri(account, sid));
    }
    ctx.voice.deleteRecording.run(account, sid);
  });
  ctx.bus.emit({ provider: 'twilio', type: 'twilio.recording.deleted', tenant: account, id: sid, summary: 'deleted', time: new Date(ctx.clock.now()).toISOString() });
}

/** GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json */
export function ListCallRecording(ctx: TwilioContext, account: string, callSid: string, q: FormValues): VoicePage<RecordingRow> {
  FetchCall(ctx, account, callSid);
  const w: Where = { sql: ['account_sid = ?', 'call_sid = ?'], args: [account, callSid] };
  const filters: [string, string][] = [];
  dateFilters(q, 'DateCreated', 'date_created', w, filters);
  return pageOf<RecordingRow>(ctx, 'twilio_recordings', w, q, filters);
}

/** GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json */
export function FetchCallRecording(ctx: TwilioContext, account: string, callSid: string, sid: string): RecordingRow {
  const row = ctx.voice.getRecording.get(account, sid) as RecordingRow | undefined;
  if (!row || row.call_sid !== callSid) throw errors.notFound(`/2010-04-01/Accounts/${account}/Calls/${callSid}/Recordings/${sid}.json`);
  return row;
}

/**
 * The audio of a recording, served without credentials as Twilio does by default:
 * `.wav` (or no extension) is PCM WAV, `.mp3` an MP3 of silence built frame by frame.
 */
export function RecordingMedia(ctx: TwilioContext, account: string, sid: string, ext: 'wav' | 'mp3'): { contentType: string; body: Buffer } {
  const row = ctx.voice.getRecording.get(account, sid) as RecordingRow | undefined;
  if (!row) throw errors.notFound(`/2010-04-01/Accounts/${account}/Recordings/${sid}.${ext}`);
  return ext === 'mp3' ? { contentType: 'audio/mpeg', body: mp3For(row.duration) } : { contentType: 'audio/x-wav', body: wavFor(row.sid, row.duration) };
}
