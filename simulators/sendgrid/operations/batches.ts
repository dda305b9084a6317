import { randomHex } from '../../../src/core/index.js';
import { randomUUID } from 'node:crypto';
import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import type { BatchRow } from '../store.js';

const STATUSES = new Set(['pause', 'cancel']);
type Obj = Record<string, unknown>;

/** Batch ids look like SendGrid's: base64 of a UUID and a suffix, without padding. */
function newBatchId(): string {
  return Buffer.from(`${randomUUID()}-${randomHex(5)}`).toString('base64').replace(/=+$/, '');
}

function emit(ctx: SendGridContext, tenant: string, type: 'sendgrid.batch.created' | 'sendgrid.scheduled_send.updated', id: string, summary: string) {
  ctx.bus.emit({ provider: 'sendgrid', type, tenant, id, summary, time: new Date(ctx.clock.now()).toISOString() });
}

/** POST /v3/mail/batch */
export async function CreateMailBatch(ctx: SendGridContext, tenant: string): Promise<string> {
  const id = newBatchId();
  const now = ctx.clock.now();
  await ctx.db.write(() => {
    ctx.store.insertTenant.run(tenant, now);
    ctx.store.insertBatch.run(tenant, id, now);
  });
  emit(ctx, tenant, 'sendgrid.batch.created', id, 'batch created');
  return id;
}

/** GET /v3/mail/batch/{batch_id} */
export function GetMailBatch(ctx: SendGridContext, tenant: string, batchId: string): string {
  const row = ctx.store.getBatch.get(tenant, batchId) as BatchRow | undefined;
  if (!row) throw errors.invalidBatchId();
  return row.batch_id;
}

function readStatus(body: Obj): string {
  const status = body.status ?? 'pause';
  if (typeof status !== 'string' || !STATUSES.has(status)) throw errors.invalidRequest('status must be either pause or cancel', 'status');
  return status;
}

/** POST /v3/user/scheduled_sends */
export async function CreateScheduledSend(ctx: SendGridContext, tenant: string, body: Obj): Promise<BatchRow> {
  const batchId = body.batch_id;
  if (typeof batchId !== 'string' || batchId === '') throw errors.invalidRequest('batch_id is required', 'batch_id');
  const status = readStatus(body);
  const now = ctx.clock.now();
  const row = await ctx.db.write(() => {
    const cur = ctx.store.getBatch.get(tenant, batchId) as BatchRow | undefined;
    if (!cur) throw errors.invalidBatchId();
    if (cur.status !== null) throw errors.scheduledSendExists();
    ctx.store.setBatchStatus.run({ tenant, batch_id: batchId, status, now });
    return ctx.store.getBatch.get(tenant, batchId) as BatchRow;
  });
  emit(ctx, tenant, 'sendgrid.scheduled_send.updated', batchId, status);
  return row;
}

/** GET /v3/user/scheduled_sends */
export function ListScheduledSend(ctx: SendGridContext, tenant: string): BatchRow[] {
  return ctx.store.listScheduled.all(tenant) as BatchRow[];
}

/** GET /v3/user/scheduled_sends/{batch_id}: an array, empty when the batch has no status. */
export function GetScheduledSend(ctx: SendGridContext, tenant: string, batchId: string): BatchRow[] {
  const row = ctx.store.getBatch.get(tenant, batchId) as BatchRow | undefined;
  return row && row.status !== null ? [row] : [];
}

/** PATCH /v3/user/scheduled_sends/{batch_id} */
export async function UpdateScheduledSend(ctx: SendGridContext, tenant: string, batchId: string, body: Obj): Promise<void> {
  if (body.status === undefined) throw errors.invalidRequest('status is required', 'status');
  const status = readStatus(body);
  await ctx.db.write(() => {
    const cur = ctx.store.getBatch.get(tenant, batchId) as BatchRow | undefined;
    if (!cur || cur.status === null) throw errors.scheduledSendNotFound();
    ctx.store.setBatchStatus.run({ tenant, batch_id: batchId, status, now: cur.created });
  });
  emit(ctx, tenant, 'sendgrid.scheduled_send.updated', batchId, status);
}

/** DELETE /v3/user/scheduled_sends/{batch_id}: the batch goes back to sending as scheduled. */
export async function DeleteScheduledSend(ctx: SendGridContext, tenant: string, batchId: string): Promise<void> {
  await ctx.db.write(() => {
    const cur = ctx.store.getBatch.get(tenant, batchId) as BatchRow | undefined;
    if (!cur || cur.status === null) throw errors.scheduledSendNotFound();
    ctx.store.setBatchStatus.run({ tenant, batch_id: batchId, status: null, now: cur.created });
    ctx.lifecycle.resumeBatch(tenant, batchId);
  });
  emit(ctx, tenant, 'sendgrid.scheduled_send.updated', batchId, 'resumed');
}
