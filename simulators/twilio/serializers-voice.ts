import { rfc2822 } from '../../src/core/index.js';
import { API_VERSION } from './serializers.js';
import { friendlyNumber } from './serializers-numbers.js';
import type { CallRow, RecordingRow, TranscriptionRow } from './store-voice.js';

const BASE = `/${API_VERSION}/Accounts`;

export const callUri = (account: string, sid: string) => `${BASE}/${account}/Calls/${sid}.json`;
export const recordingUri = (account: string, sid: string) => `${BASE}/${account}/Recordings/${sid}.json`;
export const transcriptionUri = (account: string, sid: string) => `${BASE}/${account}/Transcriptions/${sid}.json`;

/** Where the simulator serves a recording's audio (Twilio's media_url, without an extension: WAV). */
export function recordingMediaUrl(publicUrl: string, account: string, sid: string): string {
  return `${publicUrl.replace(/\/$/, '')}${BASE}/${account}/Recordings/${sid}`;
}

function formatted(n: string): string {
  return /^\+1\d{10}$/.test(n) ? friendlyNumber(n) : n;
}

/** A Call resource exactly as api.twilio.com returns it. */
export function serializeCall(c: CallRow): Record<string, unknown> {
  const base = `${BASE}/${c.account_sid}/Calls/${c.sid}`;
  return {
    account_sid: c.account_sid,
    answered_by: c.answered_by,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(c.date_created),
    date_updated: rfc2822(c.date_updated),
    direction: c.direction,
    duration: c.duration === null ? null : String(c.duration),
    end_time: c.end_time === null ? null : rfc2822(c.end_time),
    forwarded_from: null,
    from: c.from_number,
    from_formatted: formatted(c.from_number),
    group_sid: null,
    parent_call_sid: c.parent_call_sid,
    phone_number_sid: c.phone_number_sid,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: c.sid,
    start_time: c.start_time === null ? null : rfc2822(c.start_time),
    status: c.status,
    subresource_uris: {
      feedback: `${base}/Feedback.json`,
      user_defined_messages: `${base}/UserDefinedMessages.json`,
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      streams: `${base}/Streams.json`,
      payments: `${base}/Payments.json`,
      user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
      siprec: `${base}/Siprec.json`,
      events: `${base}/Events.json`,
      feedback_summaries: `${BASE}/${c.account_sid}/Calls/FeedbackSummary.json`,
      transcriptions: `${base}/Transcriptions.json`,
    },
    to: c.to_number,
    to_formatted: formatted(c.to_number),
    trunk_sid: null,
    uri: `${base}.json`,
  };
}

/** A Recording as /Recordings returns it (media_url is where the simulator serves the audio). */
export function serializeRecording(r: RecordingRow, publicUrl: string): Record<string, unknown> {
  const base = `${BASE}/${r.account_sid}/Recordings/${r.sid}`;
  return {
    account_sid: r.account_sid,
    api_version: API_VERSION,
    call_sid: r.call_sid,
    channels: r.channels,
    conference_sid: null,
    date_created: rfc2822(r.date_created),
    date_updated: rfc2822(r.date_updated),
    duration: String(r.duration),
    encryption_details: null,
    error_code: null,
    media_url: recordingMediaUrl(publicUrl, r.account_sid, r.sid),
    price: null,
    price_unit: 'USD',
    sid: r.sid,
    source: r.source,
    start_time: rfc2822(r.start_time),
    status: r.status,
    subresource_uris: {
      add_on_results: `${base}/AddOnResults.json`,
      transcriptions: `${base}/Transcriptions.json`,
    },
    uri: `${base}.json`,
  };
}

/** A Recording as /Calls/{CallSid}/Recordings returns it. */
export function serializeCallRecording(r: RecordingRow): Record<string, unknown> {
  return {
    account_sid: r.account_sid,
    api_version: API_VERSION,
    call_sid: r.call_sid,
    channels: r.channels,
    conference_sid: null,
    date_created: rfc2822(r.date_created),
    date_updated: rfc2822(r.date_updated),
    duration: String(r.duration),
    encryption_details: null,
    error_code: null,
    price: null,
    price_unit: 'USD',
    sid: r.sid,
    source: r.source,
    start_time: rfc2822(r.start_time),
    status: r.status,
    track: 'both',
    uri: `${BASE}/${r.account_sid}/Calls/${r.call_sid}/Recordings/${r.sid}.json`,
  };
}

export function serializeTranscription(t: TranscriptionRow): Record<string, unknown> {
  return {
    account_sid: t.account_sid,
    api_version: API_VERSION,
    date_created: rfc2822(t.date_created),
    date_updated: rfc2822(t.date_updated),
    duration: String(t.duration),
    price: null,
    price_unit: 'USD',
    recording_sid: t.recording_sid,
    sid: t.sid,
    status: t.status,
    transcription_text: t.transcription_text,
    type: 'fast',
    uri: `${BASE}/${t.account_sid}/Transcriptions/${t.sid}.json`,
  };
}
