import type { FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { transcriptionUri } from '../../serializers-voice.js';
import type { TranscriptionRow, Where } from '../../store-voice.js';
import { FetchRecording } from './Recording.js';
import { pageOf, type VoicePage } from './paging.js';

/** GET /2010-04-01/Accounts/{AccountSid}/Transcriptions/{Sid}.json */
export function FetchTranscription(ctx: TwilioContext, account: string, sid: string, recordingSid?: string): TranscriptionRow {
  const row = ctx.voice.getTranscription.get(account, sid) as TranscriptionRow | undefined;
  if (!row || (recordingSid !== undefined && row.recording_sid !== recordingSid)) {
    throw errors.notFound(recordingSid ? `/2010-04-01/Accounts/${account}/Recordings/${recordingSid}/Transcriptions/${sid}.json` : transcriptionUri(account, sid));
  }
  return row;
}

/** GET /2010-04-01/Accounts/{AccountSid}/Transcriptions.json */
export function ListTranscription(ctx: TwilioContext, account: string, q: FormValues): VoicePage<TranscriptionRow> {
  const w: Where = { sql: ['account_sid = ?'], args: [account] };
  return pageOf<TranscriptionRow>(ctx, 'twilio_transcriptions', w, q, []);
}

/** GET /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}/Transcriptions.json */
export function ListRecordingTranscription(ctx: TwilioContext, account: string, recordingSid: string, q: FormValues): VoicePage<TranscriptionRow> {
  FetchRecording(ctx, account, recordingSid);
  const w: Where = { sql: ['account_sid = ?', 'recording_sid = ?'], args: [account, recordingSid] };
  return pageOf<TranscriptionRow>(ctx, 'twilio_transcriptions', w, q, []);
}

/** DELETE /2010-04-01/Accounts/{AccountSid}/Transcriptions/{Sid}.json */
export async function DeleteTranscription(ctx: TwilioContext, account: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.voice.deleteTranscription.run(account, sid).changes === 0) throw errors.notFound(transcriptionUri(account, sid));
  });
  ctx.bus.emit({ provider: 'twilio', type: 'twilio.transcription.deleted', tenant: account, id: sid, summary: 'deleted', time: new Date(ctx.clock.now()).toISOString() });
}
