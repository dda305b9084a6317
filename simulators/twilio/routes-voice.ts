import { empty, json, type RouteDef, type SimResponse } from '../../src/core/index.js';
import type { TwilioContext } from './context.js';
import { CreateCall } from './operations/voice/CreateCall.js';
import { DeleteCall } from './operations/voice/DeleteCall.js';
import { FetchCall } from './operations/voice/FetchCall.js';
import { ListCall } from './operations/voice/ListCall.js';
import type { VoicePage } from './operations/voice/paging.js';
import { DeleteRecording, FetchCallRecording, FetchRecording, ListCallRecording, ListRecording, RecordingMedia } from './operations/voice/Recording.js';
import { DeleteTranscription, FetchTranscription, ListRecordingTranscription, ListTranscription } from './operations/voice/Transcription.js';
import { UpdateCall } from './operations/voice/UpdateCall.js';
import type { Call, Handler } from './routes.js';
import { listResponse } from './serializers.js';
import { serializeCall, serializeCallRecording, serializeRecording, serializeTranscription } from './serializers-voice.js';

const ACC = '/2010-04-01/Accounts/:AccountSid';

/** Operations answered without credentials (recording audio, as Twilio serves it by default). */
export const PUBLIC_OPERATIONS = new Set(['FetchRecordingMedia']);

function page<T extends { seq: number }>(c: Call, key: string, path: string, p: VoicePage<T>, serialize: (row: T) => unknown): SimResponse {
  return listResponse(key, `/2010-04-01/Accounts/${c.account}${path}`, p, serialize);
}

function media(ctx: TwilioContext, c: Call, ext: 'wav' | 'mp3'): SimResponse {
  const m = RecordingMedia(ctx, c.params.AccountSid, c.params.Sid, ext);
  return { status: 200, headers: { 'content-type': m.contentType, 'content-length': String(m.body.length) }, body: c.req.method === 'HEAD' ? null : m.body };
}

export const voiceRoutes: RouteDef<Handler>[] = [
  {
    method: 'POST',
    pattern: `${ACC}/Calls.json`,
    operation: 'CreateCall',
    handler: async (ctx, c) => json(201, serializeCall(await CreateCall(ctx, c.account, await c.form()))),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Calls.json`,
    operation: 'ListCall',
    handler: (ctx, c) => page(c, 'calls', '/Calls.json', ListCall(ctx, c.account, c.query), serializeCall),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Calls/:Sid.json`,
    operation: 'FetchCall',
    handler: (ctx, c) => json(200, serializeCall(FetchCall(ctx, c.account, c.params.Sid))),
  },
  {
    method: 'POST',
    pattern: `${ACC}/Calls/:Sid.json`,
    operation: 'UpdateCall',
    handler: async (ctx, c) => json(200, serializeCall(await UpdateCall(ctx, c.account, c.params.Sid, await c.form()))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Calls/:Sid.json`,
    operation: 'DeleteCall',
    handler: async (ctx, c) => {
      await DeleteCall(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Calls/:CallSid/Recordings.json`,
    operation: 'ListCallRecording',
    handler: (ctx, c) =>
      page(c, 'recordings', `/Calls/${c.params.CallSid}/Recordings.json`, ListCallRecording(ctx, c.account, c.params.CallSid, c.query), serializeCallRecording),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Calls/:CallSid/Recordings/:Sid.json`,
    operation: 'FetchCallRecording',
    handler: (ctx, c) => json(200, serializeCallRecording(FetchCallRecording(ctx, c.account, c.params.CallSid, c.params.Sid))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Calls/:CallSid/Recordings/:Sid.json`,
    operation: 'DeleteCallRecording',
    handler: async (ctx, c) => {
      await DeleteRecording(ctx, c.account, c.params.Sid, c.params.CallSid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings.json`,
    operation: 'ListRecording',
    handler: (ctx, c) => page(c, 'recordings', '/Recordings.json', ListRecording(ctx, c.account, c.query), (r) => serializeRecording(r, ctx.publicUrl)),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:Sid.json`,
    operation: 'FetchRecording',
    handler: (ctx, c) => json(200, serializeRecording(FetchRecording(ctx, c.account, c.params.Sid), ctx.publicUrl)),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Recordings/:Sid.json`,
    operation: 'DeleteRecording',
    handler: async (ctx, c) => {
      await DeleteRecording(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:RecordingSid/Transcriptions.json`,
    operation: 'ListRecordingTranscription',
    handler: (ctx, c) =>
      page(c, 'transcriptions', `/Recordings/${c.params.RecordingSid}/Transcriptions.json`, ListRecordingTranscription(ctx, c.account, c.params.RecordingSid, c.query), serializeTranscription),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:RecordingSid/Transcriptions/:Sid.json`,
    operation: 'FetchRecordingTranscription',
    handler: (ctx, c) => json(200, serializeTranscription(FetchTranscription(ctx, c.account, c.params.Sid, c.params.RecordingSid))),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:Sid.wav`,
    operation: 'FetchRecordingMedia',
    handler: (ctx, c) => media(ctx, c, 'wav'),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:Sid.mp3`,
    operation: 'FetchRecordingMedia',
    handler: (ctx, c) => media(ctx, c, 'mp3'),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Transcriptions.json`,
    operation: 'ListTranscription',
    handler: (ctx, c) => page(c, 'transcriptions', '/Transcriptions.json', ListTranscription(ctx, c.account, c.query), serializeTranscription),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Transcriptions/:Sid.json`,
    operation: 'FetchTranscription',
    handler: (ctx, c) => json(200, serializeTranscription(FetchTranscription(ctx, c.account, c.params.Sid))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Transcriptions/:Sid.json`,
    operation: 'DeleteTranscription',
    handler: async (ctx, c) => {
      await DeleteTranscription(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Recordings/:Sid`,
    operation: 'FetchRecordingMedia',
    handler: (ctx, c) => media(ctx, c, 'wav'),
  },
];
