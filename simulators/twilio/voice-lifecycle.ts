import { rfc2822, twilioSid, type Clock, type Settings } from '../../src/core/index.js';
import { Stepper, type Database } from '../../src/db/index.js';
import type { EventBus, SimEvent } from '../../src/events/index.js';
import type { Delivery, Reply, Webhooks } from '../../src/webhooks/index.js';
import type { OutcomeRule } from './lifecycle.js';
import { normalizeNumber } from './phone.js';
import { API_VERSION } from './serializers.js';
import { recordingMediaUrl } from './serializers-voice.js';
import type { CallRow, RecordingRow, VoiceStore } from './store-voice.js';
import { parseTwiml, type TwimlVerb } from './twiml.js';
import { fakeTranscript, recordedSeconds } from './voice-media.js';

export const FINAL_CALL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
export const CALL_STATUSES = ['queued', 'ringing', 'in-progress', ...FINAL_CALL_STATUSES];
export const CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/** The reply handler name of every TwiML fetch (the call's Url, Gather/Record/Dial actions, Redirect). */
export const TWIML_REPLY = 'twilio.voice-twiml';

const TWIML_ERRORS: Record<number, string> = { 11200: 'HTTP retrieval failure', 12100: 'Document parse failure' };
const MAX_DOCUMENT_CHARS = 64 * 1024;
const MAX_STEPS = 10;
/** A call that has run this many TwiML documents (a <Redirect> loop) fails. */
const MAX_DOCUMENTS = 200;

/** What the interpreter waits for: a TwiML document (one outbox delivery) or caller input. */
type Waiting =
  | { kind: 'fetch'; delivery: number; url: string }
  | { kind: 'gather'; action: string | null; method: string; rest: TwimlVerb[]; docUrl: string | null; input: string };

export interface VoiceLifecycleOptions {
  stepDelayMs: number;
  publicUrl: string;
}

/** Caller input for a waiting <Gather>. */
export interface GatherInput {
  digits?: string;
  speech?: string;
}

export class CallStateError extends Error {}

/**
 * Voice calls: queued -> ringing -> in-progress -> completed (or busy / no-answer / failed /
 * canceled as the outcome rules decide). Ringing and answering are persisted steps
 * (`next_step_at`) under the tenant's timing mode, like messages. Once answered, the call runs
 * TwiML: its Url is fetched through the webhook outbox (signed, with a reply handler), and the
 * verbs are interpreted until the document ends, a <Hangup>, or a verb that needs the app again
 * (Gather, Record, Dial actions, Redirect) or the caller (Gather input through /__inspect).
 * Every state change writes its status callback into the outbox in the same transaction.
 */
export class VoiceLifecycle {
  private readonly stepper: Stepper;
  /** Calls changed by the running write job, announced on the bus once it committed. */
  private touched = new Map<string, string>();
  /** Other events of the running write job (recordings), emitted once it committed. */
  private events: SimEvent[] = [];
  /** Outbox deliveries of TwiML fetches not answered yet -> their call. */
  private fetching = new Map<number, string>();
  private checkScheduled = false;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly webhooks: Webhooks,
    private readonly store: VoiceStore,
    private readonly rules: (tenant: string) => OutcomeRule[],
    private readonly opts: VoiceLifecycleOptions,
  ) {
    this.stepper = new Stepper({
      db,
      clock,
      table: 'twilio_calls',
      key: 'sid',
      tenant: 'account_sid',
      run: (due) =>
        this.write(() => {
          for (const sid of due) this.step(sid);
        }),
    });
    // TwiML fetches still pending from an earlier run (the outbox resumes them).
    const waiting = db
      .stmt(`SELECT sid, waiting FROM twilio_calls WHERE status = 'in-progress' AND waiting IS NOT NULL`)
      .all() as { sid: string; waiting: string }[];
    for (const w of waiting) {
      const parsed = JSON.parse(w.waiting) as Waiting;
      if (parsed.kind === 'fetch') this.fetching.set(parsed.delivery, w.sid);
    }
    db.onCommit(() => {
      if (this.fetching.size === 0 || this.checkScheduled || this.stepper.isStopped) return;
      this.checkScheduled = true;
      setImmediate(() => {
        this.checkScheduled = false;
        void this.checkFetches();
      });
    });
  }

  /**
   * A TwiML fetch the outbox gave up on (a 4xx, or 5xx / no answer after every retry) ends the
   * call as Twilio does when it cannot retrieve TwiML: failed, error 11200.
   */
  private async checkFetches(): Promise<void> {
    if (this.stepper.isStopped || !this.db.sql.open) return;
    const ids = [...this.fetching.keys()];
    const rows = this.db
      .stmt(`SELECT id, status FROM webhook_outbox WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: number; status: string }[];
    const status = new Map(rows.map((r) => [r.id, r.status]));
    const failed: [number, string][] = [];
    for (const id of ids) {
      const st = status.get(id);
      if (st === 'failed') failed.push([id, this.fetching.get(id)!]);
      if (st === undefined || st === 'delivered' || st === 'failed') this.fetching.delete(id);
    }
    if (failed.length === 0) return;
    await this.write(() => {
      for (const [id, sid] of failed) {
        const c = this.get(sid);
        const w = c && waitingOf(c);
        if (!c || c.status !== 'in-progress' || w?.kind !== 'fetch' || w.delivery !== id) continue;
        this.log(c, `TwiML fetch failed: ${w.url}`);
        this.end(this.get(sid)!, 'failed', 11200, w.url);
      }
    });
  }

  nextStepAt(tenant: string, status: string, now: number): number | null {
    if (status !== 'queued' && status !== 'ringing') return null;
    const timing = this.settings.timing(tenant);
    if (timing === 'manual') return null;
    return timing === 'immediate' ? now : now + this.opts.stepDelayMs;
  }

  /** The planned end of a new call to `to`: completed unless a 'call' outcome rule says otherwise. */
  outcomeFor(tenant: string, to: string): string {
    for (const r of this.rules(tenant)) {
      if (r.kind !== 'call') continue;
      const hit = r.number.endsWith('*') ? to.startsWith(r.number.slice(0, -1)) : to === r.number;
      if (hit) return r.status;
    }
    return 'completed';
  }

  schedule(at: number | null): void {
    this.stepper.schedule(at);
  }

  /** Steps every call whose ringing or answer is due, then sleeps until the next one. */
  tick(): Promise<void> {
    return this.stepper.tick();
  }

  /** Runs `fn` in a db.write job, then announces the calls it changed. */
  private async write<T>(fn: () => T): Promise<T> {
    // Jobs of one group commit run one after another: each collects its own changes.
    const { value, changed, events } = await this.db.write(() => {
      this.touched = new Map();
      this.events = [];
      try {
        const value = fn();
        return { value, changed: [...this.touched], events: this.events };
      } finally {
        this.touched = new Map();
        this.events = [];
      }
    });
    for (const e of events) this.bus.emit(e);
    for (const [sid, summary] of changed) {
      const c = this.store.getCallAnyAccount.get(sid) as CallRow | undefined;
      if (!c) continue;
      this.bus.emit({ provider: 'twilio', type: 'twilio.call.updated', tenant: c.account_sid, id: sid, summary, time: new Date(this.clock.now()).toISOString() });
    }
    return value;
  }

  get(sid: string): CallRow | undefined {
    return this.store.getCallAnyAccount.get(sid) as CallRow | undefined;
  }

  /**
   * /advance: one step (manual timing), or steps up to `target`. A final `target` before the
   * answer replaces the planned outcome; `completed` on an answered call hangs up; any step on
   * a call waiting in <Gather> is the gather timing out (the verbs after it run).
   */
  async advance(sid: string, target?: string): Promise<CallRow | undefined> {
    return this.write(() => {
      let c = this.get(sid);
      if (!c) return undefined;
      if (target && FINAL_CALL_STATUSES.has(target) && (c.status === 'queued' || c.status === 'ringing')) {
        this.store.updateCall(sid, { outcome: target });
      }
      for (let i = 0; i < MAX_STEPS; i++) {
        if (FINAL_CALL_STATUSES.has(c.status)) break;
        if (c.status === 'in-progress') {
          const w = waitingOf(c);
          if (target && FINAL_CALL_STATUSES.has(target)) this.end(c, target === 'completed' ? 'completed' : target);
          else if (w?.kind === 'gather') this.execute(c, w.rest, w.docUrl);
          else break;
        } else this.step(sid);
        const next = this.get(sid)!;
        const moved = next.status !== c.status || next.waiting !== c.waiting;
        c = next;
        if (!moved || !target || c.status === target) break;
      }
      return this.get(sid);
    });
  }

  /** UpdateCall Status=canceled|completed. */
  async hangup(sid: string, status: 'canceled' | 'completed'): Promise<void> {
    await this.write(() => {
      const c = this.get(sid);
      if (!c || FINAL_CALL_STATUSES.has(c.status)) return;
      if (c.status === 'in-progress') {
        if (status === 'completed') this.end(c, 'completed');
      } else this.end(c, 'canceled');
    });
  }

  /** UpdateCall Url/Twiml: the call leaves its current TwiML for new instructions. */
  async redirect(sid: string, to: { url: string; method: string } | { twiml: string }): Promise<void> {
    await this.write(() => {
      const c = this.get(sid);
      if (!c || c.status !== 'in-progress') throw new CallStateError('not in progress');
      if ('url' in to) this.fetch(c, to.url, to.method, 'redirect', []);
      else {
        this.store.updateCall(c.sid, { waiting: null });
        this.runDocument(this.get(sid)!, to.twiml, null, 'POST');
      }
    });
  }

  /** The caller answers a waiting <Gather> (digits and/or speech). */
  async gather(sid: string, input: GatherInput): Promise<CallRow> {
    return this.write(() => {
      const c = this.get(sid);
      const w = c && waitingOf(c);
      if (!c || c.status !== 'in-progress' || w?.kind !== 'gather') throw new CallStateError('the call is not waiting in a <Gather>');
      const extra: [string, string][] = [];
      if (input.digits !== undefined) extra.push(['Digits', input.digits], ['FinishedOnKey', '']);
      if (input.speech !== undefined) extra.push(['SpeechResult', input.speech], ['Confidence', '0.9']);
      this.log(c, `gather ${input.digits !== undefined ? `digits=${input.digits}` : ''}${input.speech !== undefined ? ` speech="${input.speech}"` : ''}`.trim());
      if (w.action) this.fetch(c, w.action, w.method, 'gather', extra);
      else this.execute(c, w.rest, w.docUrl);
      return this.get(sid)!;
    });
  }

  /** The app answered a TwiML fetch: run the document if the call still waits for it. */
  async handleTwiml(d: Delivery, reply: Reply): Promise<void> {
    await this.write(() => {
      const c = this.get(d.resource);
      const w = c && waitingOf(c);
      if (!c || c.status !== 'in-progress' || w?.kind !== 'fetch' || w.delivery !== d.id) return;
      this.runDocument(c, reply.body, w.url, d.method);
    });
  }

  // ---- inside a transaction -------------------------------------------------------------

  /** Moves a queued or ringing call one step. */
  private step(sid: string): void {
    const c = this.get(sid);
    if (!c) return;
    const now = this.clock.now();
    if (c.status === 'queued') {
      this.callback(c, 'initiated');
      this.transition(c, 'ringing', { start_time: now, next_step_at: this.nextStepAt(c.account_sid, 'ringing', now) });
      this.schedule(this.get(sid)!.next_step_at);
      return;
    }
    if (c.status !== 'ringing') {
      this.store.updateCall(sid, { next_step_at: null });
      return;
    }
    const outcome = c.outcome ?? 'completed';
    if (outcome !== 'completed') {
      this.end(c, outcome);
      return;
    }
    const answered = this.transition(c, 'in-progress', {
      next_step_at: null,
      start_time: c.start_time ?? now,
      answered_by: c.machine_detection ? 'human' : null,
    });
    if (answered.twiml !== null) this.runDocument(answered, answered.twiml, null, 'POST');
    else if (answered.url) this.fetch(answered, answered.url, answered.method, 'answer', []);
    else this.end(answered, 'completed');
  }

  /** Changes the status, appends to the timeline and sends the status callback of the event. */
  private transition(c: CallRow, status: string, fields: Partial<CallRow> = {}): CallRow {
    const now = this.clock.now();
    const timeline = JSON.parse(this.get(c.sid)!.timeline) as unknown[];
    timeline.push({ status, time: new Date(now).toISOString() });
    this.store.updateCall(c.sid, { ...fields, status, date_updated: now, timeline: JSON.stringify(timeline) });
    const row = this.get(c.sid)!;
    const event = status === 'ringing' ? 'ringing' : status === 'in-progress' ? 'answered' : FINAL_CALL_STATUSES.has(status) ? 'completed' : null;
    if (event) this.callback(row, event);
    this.touched.set(c.sid, status);
    return this.get(c.sid)!;
  }

  private log(c: CallRow, what: string): void {
    const timeline = JSON.parse(this.get(c.sid)!.timeline) as unknown[];
    timeline.push({ event: what, time: new Date(this.clock.now()).toISOString() });
    this.store.updateCall(c.sid, { timeline: JSON.stringify(timeline) });
  }

  /** Ends a call; an answered one gets its duration and, with Record=true, its recording. */
  private end(c: CallRow, status: string, error?: number, detail?: string): void {
    const now = this.clock.now();
    const answered = c.status === 'in-progress';
    const duration = answered ? Math.max(1, c.elapsed, Math.round((now - (c.start_time ?? now)) / 1000)) : 0;
    const start = c.start_time ?? now;
    let recording: RecordingRow | undefined;
    if (answered && c.record) recording = this.createRecording(c, 'OutboundAPI', duration, start);
    this.transition(c, status, {
      next_step_at: null,
      waiting: null,
      start_time: start,
      end_time: answered ? start + duration * 1000 : now,
      duration,
      error_code: error ?? c.error_code,
      error_message: error ? `${TWIML_ERRORS[error] ?? 'Error'}${detail ? `: ${detail}` : ''}` : c.error_message,
    });
    if (recording) {
      const row = this.get(c.sid)!;
      this.recordingCallback(row, recording, row.recording_status_callback, row.recording_status_callback_method);
    }
  }

  private createRecording(c: CallRow, source: string, duration: number, start: number): RecordingRow {
    const now = this.clock.now();
    const r: RecordingRow = {
      seq: 0,
      sid: twilioSid('RE'),
      account_sid: c.account_sid,
      call_sid: c.sid,
      source,
      status: 'completed',
      duration,
      channels: 1,
      start_time: start,
      date_created: now,
      date_updated: now,
    };
    r.seq = Number(this.store.insertRecording.run(r).lastInsertRowid);
    this.log(c, `recording ${r.sid} (${duration}s)`);
    this.events.push({ provider: 'twilio', type: 'twilio.recording.created', tenant: c.account_sid, id: r.sid, summary: `${source} ${duration}s for ${c.sid}`, time: new Date(now).toISOString() });
    return r;
  }

  private recordingParams(r: RecordingRow): [string, string][] {
    return [
      ['RecordingSid', r.sid],
      ['RecordingUrl', recordingMediaUrl(this.opts.publicUrl, r.account_sid, r.sid)],
      ['RecordingDuration', String(r.duration)],
    ];
  }

  private recordingCallback(c: CallRow, r: RecordingRow, url: string | null, method: string): void {
    if (!url) return;
    this.webhooks.enqueue({
      provider: 'twilio',
      tenant: c.account_sid,
      resource: c.sid,
      kind: 'call.recording',
      url,
      method,
      params: [
        ['AccountSid', c.account_sid],
        ['CallSid', c.sid],
        ...this.recordingParams(r),
        ['RecordingStatus', 'completed'],
        ['RecordingChannels', '1'],
        ['RecordingStartTime', rfc2822(r.start_time)],
        ['RecordingSource', r.source],
        ['ErrorCode', '0'],
      ],
      signer: 'twilio',
      context: { recording: r.sid },
    });
  }

  /** The parameters of every Voice request: the call as the app's TwiML endpoint sees it. */
  private voiceParams(c: CallRow, status = c.status): [string, string][] {
    const p: [string, string][] = [
      ['AccountSid', c.account_sid],
      ['ApiVersion', API_VERSION],
      ['CallSid', c.sid],
      ['CallStatus', status],
      ['Called', c.to_number],
      ['CalledCity', ''],
      ['CalledCountry', 'US'],
      ['CalledState', ''],
      ['CalledZip', ''],
      ['Caller', c.from_number],
      ['CallerCity', ''],
      ['CallerCountry', 'US'],
      ['CallerState', ''],
      ['CallerZip', ''],
      ['Direction', c.direction],
      ['From', c.from_number],
      ['FromCity', ''],
      ['FromCountry', 'US'],
      ['FromState', ''],
      ['FromZip', ''],
      ['To', c.to_number],
      ['ToCity', ''],
      ['ToCountry', 'US'],
      ['ToState', ''],
      ['ToZip', ''],
    ];
    if (c.parent_call_sid) p.push(['ParentCallSid', c.parent_call_sid]);
    if (c.answered_by) p.push(['AnsweredBy', c.answered_by]);
    return p;
  }

  /** A status callback for one event, if the call asked for it (StatusCallbackEvent). */
  private callback(c: CallRow, event: string): void {
    if (!c.status_callback || !c.status_callback_events.split(' ').includes(event)) return;
    const status = event === 'initiated' ? 'initiated' : c.status;
    const params = this.voiceParams(c, status);
    params.push(['CallbackSource', 'call-progress-events'], ['Timestamp', rfc2822(this.clock.now())], ['SequenceNumber', String(c.sequence)]);
    if (event === 'completed') {
      const seconds = c.duration ?? 0;
      params.push(['CallDuration', String(seconds)], ['Duration', String(Math.ceil(seconds / 60))]);
      const rec = (this.store.recordingsOfCall.all(c.sid) as RecordingRow[]).find((r) => r.source === 'OutboundAPI');
      if (rec) params.push(...this.recordingParams(rec));
      if (c.error_code) params.push(['ErrorCode', String(c.error_code)]);
    }
    this.webhooks.enqueue({
      provider: 'twilio',
      tenant: c.account_sid,
      resource: c.sid,
      kind: 'call.status',
      url: c.status_callback,
      method: c.status_callback_method,
      params,
      signer: 'twilio',
      context: { status, event },
    });
    this.store.updateCall(c.sid, { sequence: c.sequence + 1 });
  }

  /** Asks the app for TwiML (signed), and waits for the answer. */
  private fetch(c: CallRow, url: string, method: string, why: string, extra: [string, string][]): void {
    const status = c.direction === 'inbound' && why === 'answer' ? 'ringing' : c.status;
    const id = this.webhooks.enqueue({
      provider: 'twilio',
      tenant: c.account_sid,
      resource: c.sid,
      kind: `call.twiml.${why}`,
      url,
      method,
      params: [...this.voiceParams(c, status), ...extra],
      signer: 'twilio',
      reply: TWIML_REPLY,
      context: { why },
    });
    const waiting: Waiting = { kind: 'fetch', delivery: id, url };
    this.fetching.set(id, c.sid);
    this.store.updateCall(c.sid, { waiting: JSON.stringify(waiting), date_updated: this.clock.now() });
    this.touched.set(c.sid, `fetching TwiML (${why}) ${url}`);
  }

  private runDocument(c: CallRow, body: string, docUrl: string | null, method: string): void {
    const docs = JSON.parse(c.documents) as unknown[];
    docs.push({ url: docUrl, method, time: new Date(this.clock.now()).toISOString(), twiml: body.slice(0, MAX_DOCUMENT_CHARS) });
    this.store.updateCall(c.sid, { documents: JSON.stringify(docs), waiting: null });
    const parsed = docs.length > MAX_DOCUMENTS ? { error: `Document parse failure: more than ${MAX_DOCUMENTS} TwiML documents in one call` } : parseTwiml(body);
    const row = this.get(c.sid)!;
    if ('error' in parsed) {
      this.events.push({ provider: 'twilio', type: 'twilio.twiml.error', tenant: c.account_sid, id: c.sid, summary: `12100 ${parsed.error}`, time: new Date(this.clock.now()).toISOString() });
      this.end(row, 'failed', 12100, parsed.error.replace(/^Document parse failure: ?/, ''));
      return;
    }
    this.execute(row, parsed.verbs, docUrl);
  }

  /** Interprets verbs until the document ends (hang up) or a verb waits for the app or the caller. */
  private execute(c: CallRow, verbs: TwimlVerb[], docUrl: string | null): void {
    let elapsed = c.elapsed;
    const save = () => this.store.updateCall(c.sid, { elapsed });
    const resolve = (u: string | undefined) => {
      if (u === undefined || u === '') return docUrl;
      try {
        return new URL(u, docUrl ?? undefined).toString();
      } catch {
        return null;
      }
    };
    const spoken = (v: TwimlVerb): number => {
      const loop = Math.max(1, Number(v.attrs.loop) || 1);
      if (v.name === 'Say') return loop * Math.max(1, Math.ceil(v.text.split(/\s+/).filter(Boolean).length / 2.5));
      if (v.name === 'Play') return loop * 5;
      if (v.name === 'Pause') return Math.max(0, Number(v.attrs.length ?? 1) || 0);
      return 0;
    };
    for (let i = 0; i < verbs.length; i++) {
      const v = verbs[i];
      switch (v.name) {
        case 'Say':
        case 'Play':
        case 'Pause':
          elapsed += spoken(v);
          this.log(c, `${v.name}${v.text ? ` ${v.text.slice(0, 120)}` : ''}`);
          break;
        case 'Gather': {
          for (const k of v.children) elapsed += spoken(k);
          save();
          const waiting: Waiting = {
            kind: 'gather',
            action: resolve(v.attrs.action),
            method: (v.attrs.method ?? 'POST').toUpperCase(),
            rest: verbs.slice(i + 1),
            docUrl,
            input: v.attrs.input ?? 'dtmf',
          };
          this.store.updateCall(c.sid, { waiting: JSON.stringify(waiting) });
          this.log(c, `Gather input=${waiting.input} waiting for the caller`);
          this.touched.set(c.sid, 'waiting in <Gather>');
          return;
        }
        case 'Record': {
          const max = Math.max(1, Math.min(Number(v.attrs.maxLength ?? 3600) || 3600, 3600));
          const now = this.clock.now();
          const seconds = recordedSeconds(`${c.sid}:${i}:${elapsed}`, Math.min(3, max), Math.min(20, max));
          elapsed += seconds;
          save();
          const rec = this.createRecording(this.get(c.sid)!, 'RecordVerb', seconds, now);
          const row = this.get(c.sid)!;
          this.recordingCallback(row, rec, v.attrs.recordingStatusCallback ? resolve(v.attrs.recordingStatusCallback) : null, (v.attrs.recordingStatusCallbackMethod ?? 'POST').toUpperCase());
          if (v.attrs.transcribe === 'true' || v.attrs.transcribeCallback) this.transcribe(row, rec, v.attrs.transcribeCallback ? resolve(v.attrs.transcribeCallback) : null);
          const action = resolve(v.attrs.action);
          if (action) {
            this.fetch(row, action, (v.attrs.method ?? 'POST').toUpperCase(), 'record', this.recordingParams(rec));
            return;
          }
          break;
        }
        case 'Dial': {
          const child = this.dial(this.get(c.sid)!, v);
          elapsed += child.duration ?? 0;
          save();
          const action = v.attrs.action ? resolve(v.attrs.action) : null;
          if (action) {
            this.fetch(this.get(c.sid)!, action, (v.attrs.method ?? 'POST').toUpperCase(), 'dial', [
              ['DialCallSid', child.sid],
              ['DialCallStatus', child.status],
              ['DialCallDuration', String(child.duration ?? 0)],
              ['DialBridged', child.status === 'completed' ? 'true' : 'false'],
            ]);
            return;
          }
          break;
        }
        case 'Hangup':
          save();
          this.log(c, 'Hangup');
          this.end(this.get(c.sid)!, 'completed');
          return;
        case 'Reject':
          save();
          this.log(c, `Reject ${v.attrs.reason ?? 'rejected'}`);
          this.end(this.get(c.sid)!, v.attrs.reason === 'busy' ? 'busy' : 'no-answer');
          return;
        case 'Redirect': {
          save();
          const to = resolve(v.text.trim());
          if (!to) {
            this.end(this.get(c.sid)!, 'failed', 12100, `invalid <Redirect> URL ${v.text.trim()}`);
            return;
          }
          this.fetch(this.get(c.sid)!, to, (v.attrs.method ?? 'POST').toUpperCase(), 'redirect', []);
          return;
        }
        default:
          this.log(c, `${v.name} (not simulated, skipped)`);
      }
    }
    save();
    this.end(this.get(c.sid)!, 'completed');
  }

  /** A <Dial>: a child call leg to the dialed number, ended at once as its outcome rule says. */
  private dial(parent: CallRow, v: TwimlVerb): CallRow {
    const target = v.children.find((k) => ['Number', 'Client', 'Sip', 'Conference', 'Queue'].includes(k.name));
    const raw = (target ? target.text : v.text).trim();
    const to = target?.name === 'Client' ? `client:${raw}` : /^[+\d(][\d\s().-]*$/.test(raw) ? normalizeNumber(raw) : raw;
    const now = this.clock.now();
    const sid = twilioSid('CA');
    const outcome = this.outcomeFor(parent.account_sid, to);
    const duration = outcome === 'completed' ? recordedSeconds(sid, 5, 60) : 0;
    const timeline = ['queued', 'ringing', ...(outcome === 'completed' ? ['in-progress'] : []), outcome].map((status) => ({ status, time: new Date(now).toISOString() }));
    const child: CallRow = {
      seq: 0,
      sid,
      account_sid: parent.account_sid,
      parent_call_sid: parent.sid,
      to_number: to,
      from_number: v.attrs.callerId ? normalizeNumber(v.attrs.callerId) : parent.from_number,
      phone_number_sid: null,
      status: outcome,
      direction: 'outbound-dial',
      answered_by: null,
      start_time: now,
      end_time: now + duration * 1000,
      duration,
      url: null,
      method: 'POST',
      twiml: null,
      status_callback: null,
      status_callback_method: 'POST',
      status_callback_events: 'completed',
      record: 0,
      recording_status_callback: null,
      recording_status_callback_method: 'POST',
      timeout: Number(v.attrs.timeout ?? 30) || 30,
      machine_detection: null,
      error_code: null,
      error_message: null,
      outcome,
      next_step_at: null,
      sequence: 0,
      elapsed: duration,
      timeline: JSON.stringify(timeline),
      documents: '[]',
      waiting: null,
      date_created: now,
      date_updated: now,
    };
    child.seq = Number(this.store.insertCall.run(child).lastInsertRowid);
    this.log(parent, `Dial ${to}: ${child.sid} ${outcome} (${duration}s)`);
    this.touched.set(child.sid, `dialed leg of ${parent.sid}: ${outcome}`);
    return child;
  }

  private transcribe(c: CallRow, r: RecordingRow, callback: string | null): void {
    const now = this.clock.now();
    const text = fakeTranscript(c.sid + r.seq);
    const t = {
      sid: twilioSid('TR'),
      account_sid: c.account_sid,
      recording_sid: r.sid,
      call_sid: c.sid,
      status: 'completed',
      transcription_text: text,
      duration: r.duration,
      date_created: now,
      date_updated: now,
    };
    this.store.insertTranscription.run(t);
    this.log(c, `transcription ${t.sid}`);
    if (!callback) return;
    this.webhooks.enqueue({
      provider: 'twilio',
      tenant: c.account_sid,
      resource: c.sid,
      kind: 'call.transcription',
      url: callback,
      method: 'POST',
      params: [
        ...this.voiceParams(c),
        ['TranscriptionSid', t.sid],
        ['TranscriptionText', text],
        ['TranscriptionStatus', 'completed'],
        ['TranscriptionUrl', `${this.opts.publicUrl.replace(/\/$/, '')}/${API_VERSION}/Accounts/${c.account_sid}/Transcriptions/${t.sid}`],
        ...this.recordingParams(r),
      ],
      signer: 'twilio',
      context: { transcription: t.sid },
    });
  }

  stop(): void {
    this.stepper.stop();
  }
}

function waitingOf(c: CallRow): Waiting | null {
  return c.waiting ? (JSON.parse(c.waiting) as Waiting) : null;
}
