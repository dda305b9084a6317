import type { Database, Statement } from '../../src/db/index.js';

export interface CallRow {
  seq: number;
  sid: string;
  account_sid: string;
  parent_call_sid: string | null;
  to_number: string;
  from_number: string;
  phone_number_sid: string | null;
  status: string;
  direction: string;
  answered_by: string | null;
  start_time: number | null;
  end_time: number | null;
  duration: number | null;
  url: string | null;
  method: string;
  twiml: string | null;
  status_callback: string | null;
  status_callback_method: string;
  /** space-separated StatusCallbackEvent values */
  status_callback_events: string;
  record: number;
  recording_status_callback: string | null;
  recording_status_callback_method: string;
  timeout: number;
  machine_detection: string | null;
  error_code: number | null;
  error_message: string | null;
  outcome: string | null;
  next_step_at: number | null;
  sequence: number;
  elapsed: number;
  timeline: string;
  documents: string;
  waiting: string | null;
  date_created: number;
  date_updated: number;
}

export interface RecordingRow {
  seq: number;
  sid: string;
  account_sid: string;
  call_sid: string;
  source: string;
  status: string;
  duration: number;
  channels: number;
  start_time: number;
  date_created: number;
  date_updated: number;
}

export interface TranscriptionRow {
  seq: number;
  sid: string;
  account_sid: string;
  recording_sid: string;
  call_sid: string;
  status: string;
  transcription_text: string | null;
  duration: number;
  date_created: number;
  date_updated: number;
}

/** A WHERE clause over one table: `column op ?` pairs, always scoped to one account. */
export interface Where {
  sql: string[];
  args: unknown[];
}

export type VoiceTable = 'twilio_calls' | 'twilio_recordings' | 'twilio_transcriptions';

const CALL_COLUMNS = [
  'sid', 'account_sid', 'parent_call_sid', 'to_number', 'from_number', 'phone_number_sid', 'status', 'direction',
  'answered_by', 'start_time', 'end_time', 'duration', 'url', 'method', 'twiml', 'status_callback',
  'status_callback_method', 'status_callback_events', 'record', 'recording_status_callback',
  'recording_status_callback_method', 'timeout', 'machine_detection', 'error_code', 'error_message', 'outcome',
  'next_step_at', 'sequence', 'elapsed', 'timeline', 'documents', 'waiting', 'date_created', 'date_updated',
];

/** Prepared statements of Voice: calls, recordings, transcriptions. */
export class VoiceStore {
  readonly insertCall: Statement;
  readonly getCall: Statement;
  readonly getCallAnyAccount: Statement;
  readonly deleteCall: Statement;
  readonly insertRecording: Statement;
  readonly getRecording: Statement;
  readonly deleteRecording: Statement;
  readonly recordingsOfCall: Statement;
  readonly insertTranscription: Statement;
  readonly getTranscription: Statement;
  readonly deleteTranscription: Statement;
  readonly transcriptionsOfRecording: Statement;

  constructor(private readonly db: Database) {
    const s = db.sql;
    this.insertCall = s.prepare(
      `INSERT INTO twilio_calls (${CALL_COLUMNS.join(', ')}) VALUES (${CALL_COLUMNS.map((c) => '@' + c).join(', ')})`,
    );
    this.getCall = s.prepare('SELECT * FROM twilio_calls WHERE account_sid = ? AND sid = ?');
    this.getCallAnyAccount = s.prepare('SELECT * FROM twilio_calls WHERE sid = ?');
    this.deleteCall = s.prepare('DELETE FROM twilio_calls WHERE account_sid = ? AND sid = ?');
    this.insertRecording = s.prepare(
      `INSERT INTO twilio_recordings (sid, account_sid, call_sid, source, status, duration, channels, start_time, date_created, date_updated)
       VALUES (@sid, @account_sid, @call_sid, @source, @status, @duration, @channels, @start_time, @date_created, @date_updated)`,
    );
    this.getRecording = s.prepare('SELECT * FROM twilio_recordings WHERE account_sid = ? AND sid = ?');
    this.deleteRecording = s.prepare('DELETE FROM twilio_recordings WHERE account_sid = ? AND sid = ?');
    this.recordingsOfCall = s.prepare('SELECT * FROM twilio_recordings WHERE call_sid = ? ORDER BY seq');
    this.insertTranscription = s.prepare(
      `INSERT INTO twilio_transcriptions (sid, account_sid, recording_sid, call_sid, status, transcription_text, duration, date_created, date_updated)
       VALUES (@sid, @account_sid, @recording_sid, @call_sid, @status, @transcription_text, @duration, @date_created, @date_updated)`,
    );
    this.getTranscription = s.prepare('SELECT * FROM twilio_transcriptions WHERE account_sid = ? AND sid = ?');
    this.deleteTranscription = s.prepare('DELETE FROM twilio_transcriptions WHERE account_sid = ? AND sid = ?');
    this.transcriptionsOfRecording = s.prepare('SELECT * FROM twilio_transcriptions WHERE recording_sid = ? ORDER BY seq');
  }

  /** Updates some columns of a call inside the current transaction. */
  updateCall(sid: string, fields: Partial<CallRow>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db.stmt(`UPDATE twilio_calls SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE sid = @__sid`).run({ ...fields, __sid: sid });
  }

  /**
   * Newest first, keyset-paged like Messages: `beforeSeq` for the next page, `afterSeqAsc` for
   * the previous one, `offset` for Page without a token.
   */
  list<T>(table: VoiceTable, w: Where, page: { limit: number; offset?: number; beforeSeq?: number; afterSeqAsc?: number }): T[] {
    const where = w.sql.join(' AND ');
    if (page.afterSeqAsc !== undefined) {
      return (this.db.stmt(`SELECT * FROM ${table} WHERE ${where} AND seq > ? ORDER BY seq ASC LIMIT ?`).all(...w.args, page.afterSeqAsc, page.limit) as T[]).reverse();
    }
    let sql = `SELECT * FROM ${table} WHERE ${where}`;
    const args = [...w.args];
    if (page.beforeSeq !== undefined) (sql += ' AND seq < ?'), args.push(page.beforeSeq);
    sql += ' ORDER BY seq DESC LIMIT ? OFFSET ?';
    args.push(page.limit, page.offset ?? 0);
    return this.db.stmt(sql).all(...args) as T[];
  }

  has(table: VoiceTable, w: Where, op: '<' | '>', seq: number): boolean {
    return !!this.db.stmt(`SELECT 1 FROM ${table} WHERE ${w.sql.join(' AND ')} AND seq ${op} ? LIMIT 1`).get(...w.args, seq);
  }

  reset(tenant?: string): void {
    for (const t of ['twilio_transcriptions', 'twilio_recordings', 'twilio_calls']) {
      if (tenant) this.db.stmt(`DELETE FROM ${t} WHERE account_sid = ?`).run(tenant);
      else this.db.stmt(`DELETE FROM ${t}`).run();
    }
  }
}
