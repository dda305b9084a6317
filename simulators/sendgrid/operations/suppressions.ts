import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import type { AsmGroupRow, SuppressionRow } from '../store.js';

type Obj = Record<string, unknown>;
export const SUPPRESSION_LISTS = ['bounces', 'blocks', 'spam_reports', 'invalid_emails', 'unsubscribes'] as const;
export type SuppressionList = (typeof SUPPRESSION_LISTS)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw errors.invalidRequest(`${name} must be an integer`, name);
  return Number(v);
}

/** GET /v3/suppression/{list}?start_time=&end_time=&limit=&offset=&email= */
export function ListSuppressions(ctx: SendGridContext, tenant: string, list: SuppressionList, q: URLSearchParams): SuppressionRow[] {
  const start = intParam(q, 'start_time');
  const end = intParam(q, 'end_time');
  const limit = intParam(q, 'limit') ?? 500;
  const offset = intParam(q, 'offset') ?? 0;
  const email = q.get('email');
  const where = ['tenant = ?', 'list = ?'];
  const args: unknown[] = [tenant, list];
  if (start !== undefined) (where.push('created >= ?'), args.push(start));
  if (end !== undefined) (where.push('created <= ?'), args.push(end));
  if (email) (where.push('email = ?'), args.push(email));
  return ctx.db
    .stmt(`SELECT * FROM sendgrid_suppressions WHERE ${where.join(' AND ')} ORDER BY created DESC, email LIMIT ? OFFSET ?`)
    .all(...args, limit, offset) as SuppressionRow[];
}

/** GET /v3/suppression/{list}/{email}: an array of zero or one entry. */
export function GetSuppression(ctx: SendGridContext, tenant: string, list: SuppressionList, email: string): SuppressionRow[] {
  return ctx.db.stmt('SELECT * FROM sendgrid_suppressions WHERE tenant = ? AND list = ? AND email = ?').all(tenant, list, email) as SuppressionRow[];
}

/** DELETE /v3/suppression/{list} with `{"delete_all": true}` or `{"emails": [...]}`. */
export async function DeleteSuppressions(ctx: SendGridContext, tenant: string, list: SuppressionList, body: Obj): Promise<void> {
  const all = body.delete_all;
  const emails = body.emails;
  if (all !== undefined && typeof all !== 'boolean') throw errors.invalidRequest('delete_all must be a boolean', 'delete_all');
  if (emails !== undefined && (!Array.isArray(emails) || emails.some((e) => typeof e !== 'string'))) {
    throw errors.invalidRequest('emails must be an array of strings', 'emails');
  }
  if (all !== true && (!Array.isArray(emails) || emails.length === 0)) {
    throw errors.invalidRequest('Either delete_all or emails must be provided', null);
  }
  await ctx.db.write(() => {
    if (all === true) ctx.db.stmt('DELETE FROM sendgrid_suppressions WHERE tenant = ? AND list = ?').run(tenant, list);
    else {
      const del = ctx.db.stmt('DELETE FROM sendgrid_suppressions WHERE tenant = ? AND list = ? AND email = ?');
      for (const e of emails as string[]) del.run(tenant, list, e);
    }
  });
}

/** DELETE /v3/suppression/{list}/{email} */
export async function DeleteSuppression(ctx: SendGridContext, tenant: string, list: SuppressionList, email: string): Promise<void> {
  await ctx.db.write(() => {
    ctx.db.stmt('DELETE FROM sendgrid_suppressions WHERE tenant = ? AND list = ? AND email = ?').run(tenant, list, email);
  });
}

function recipientEmails(body: Obj): string[] {
  const list = body.recipient_emails;
  if (!Array.isArray(list) || list.length === 0 || list.some((e) => typeof e !== 'string')) {
    throw errors.invalidRequest('recipient_emails is required and must be an array of email addresses', 'recipient_emails');
  }
  for (const e of list as string[]) if (!EMAIL.test(e)) throw errors.invalidRequest(`${e} is not a valid email address`, 'recipient_emails');
  return list as string[];
}

/** POST /v3/asm/suppressions/global */
export async function CreateGlobalSuppression(ctx: SendGridContext, tenant: string, body: Obj): Promise<string[]> {
  const emails = recipientEmails(body);
  const now = Math.floor(ctx.clock.now() / 1000);
  await ctx.db.write(() => {
    ctx.store.insertTenant.run(tenant, ctx.clock.now());
    const ins = ctx.db.stmt(
      "INSERT OR IGNORE INTO sendgrid_suppressions (tenant, list, email, created) VALUES (?, 'unsubscribes', ?, ?)",
    );
    for (const e of emails) ins.run(tenant, e, now);
  });
  return emails;
}

/** GET /v3/asm/suppressions/global/{email}: `{recipient_email}`, or `{}` when not suppressed. */
export function GetGlobalSuppression(ctx: SendGridContext, tenant: string, email: string): { recipient_email?: string } {
  const row = GetSuppression(ctx, tenant, 'unsubscribes', email)[0];
  return row ? { recipient_email: row.email } : {};
}

/** DELETE /v3/asm/suppressions/global/{email} */
export async function DeleteGlobalSuppression(ctx: SendGridContext, tenant: string, email: string): Promise<void> {
  await DeleteSuppression(ctx, tenant, 'unsubscribes', email);
}

// ---- unsubscribe groups ------------------------------------------------------------------------

export interface AsmGroup extends AsmGroupRow {
  unsubscribes: number;
}

function readGroup(body: Obj, create: boolean): { name?: string; description?: string; is_default?: boolean } {
  const out: { name?: string; description?: string; is_default?: boolean } = {};
  if (body.name !== undefined || create) {
    if (typeof body.name !== 'string' || body.name.trim() === '') throw errors.invalidRequest('name is required', 'name');
    if (body.name.length > 30) throw errors.invalidRequest('name must be 30 characters or fewer', 'name');
    out.name = body.name;
  }
  if (body.description !== undefined || create) {
    if (typeof body.description !== 'string' || body.description === '') throw errors.invalidRequest('description is required', 'description');
    if (body.description.length > 100) throw errors.invalidRequest('description must be 100 characters or fewer', 'description');
    out.description = body.description;
  }
  if (body.is_default !== undefined) {
    if (typeof body.is_default !== 'boolean') throw errors.invalidRequest('is_default must be a boolean', 'is_default');
    out.is_default = body.is_default;
  }
  return out;
}

function withCount(ctx: SendGridContext, g: AsmGroupRow): AsmGroup {
  const n = ctx.db.stmt('SELECT COUNT(*) FROM sendgrid_asm_suppressions WHERE tenant = ? AND group_id = ?').pluck().get(g.tenant, g.id) as number;
  return { ...g, unsubscribes: n };
}

function groupId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw errors.groupNotFound();
  return Number(raw);
}

function requireGroup(ctx: SendGridContext, tenant: string, raw: string): AsmGroupRow {
  const g = ctx.db.stmt('SELECT * FROM sendgrid_asm_groups WHERE tenant = ? AND id = ?').get(tenant, groupId(raw)) as AsmGroupRow | undefined;
  if (!g) throw errors.groupNotFound();
  return g;
}

/** POST /v3/asm/groups */
export async function CreatAsmGroup(ctx: SendGridContext, tenant: string, body: Obj): Promise<AsmGroup> {
  const input = readGroup(body, true);
  const now = ctx.clock.now();
  return ctx.db.write(() => {
    const s = ctx.db.sql;
    if (s.prepare('SELECT 1 FROM sendgrid_asm_groups WHERE tenant = ? AND name = ?').get(tenant, input.name)) {
      throw errors.invalidRequest('Another group with this name already exists', 'name');
    }
    ctx.store.insertTenant.run(tenant, now);
    if (input.is_default) s.prepare('UPDATE sendgrid_asm_groups SET is_default = 0 WHERE tenant = ?').run(tenant);
    const id = Number(
      s
        .prepare('INSERT INTO sendgrid_asm_groups (tenant, name, description, is_default, created) VALUES (?, ?, ?, ?, ?)')
        .run(tenant, input.name, input.description, input.is_default ? 1 : 0, now).lastInsertRowid,
    );
    return withCount(ctx, s.prepare('SELECT * FROM sendgrid_asm_groups WHERE id = ?').get(id) as AsmGroupRow);
  });
}

/** GET /v3/asm/groups (optionally `?id=1&id=2`) */
export function ListAsmGroup(ctx: SendGridContext, tenant: string, q: URLSearchParams): AsmGroup[] {
  const ids = q.getAll('id').filter((x) => /^\d+$/.test(x)).map(Number);
  const rows = ctx.db.stmt('SELECT * FROM sendgrid_asm_groups WHERE tenant = ? ORDER BY id').all(tenant) as AsmGroupRow[];
  return rows.filter((g) => ids.length === 0 || ids.includes(g.id)).map((g) => withCount(ctx, g));
}

/** GET /v3/asm/groups/{group_id} */
export function GetAsmGroup(ctx: SendGridContext, tenant: string, id: string): AsmGroup {
  return withCount(ctx, requireGroup(ctx, tenant, id));
}

/** PATCH /v3/asm/groups/{group_id} (answers 201, as SendGrid does) */
export async function UpdateAsmGroup(ctx: SendGridContext, tenant: string, id: string, body: Obj): Promise<AsmGroup> {
  const input = readGroup(body, false);
  return ctx.db.write(() => {
    const g = requireGroup(ctx, tenant, id);
    const s = ctx.db.sql;
    if (input.name && s.prepare('SELECT 1 FROM sendgrid_asm_groups WHERE tenant = ? AND name = ? AND id != ?').get(tenant, input.name, g.id)) {
      throw errors.invalidRequest('Another group with this name already exists', 'name');
    }
    if (input.is_default) s.prepare('UPDATE sendgrid_asm_groups SET is_default = 0 WHERE tenant = ?').run(tenant);
    s.prepare('UPDATE sendgrid_asm_groups SET name = ?, description = ?, is_default = ? WHERE id = ?').run(
      input.name ?? g.name,
      input.description ?? g.description,
      input.is_default === undefined ? g.is_default : input.is_default ? 1 : 0,
      g.id,
    );
    return withCount(ctx, s.prepare('SELECT * FROM sendgrid_asm_groups WHERE id = ?').get(g.id) as AsmGroupRow);
  });
}

/** DELETE /v3/asm/groups/{group_id} */
export async function DeleteAsmGroup(ctx: SendGridContext, tenant: string, id: string): Promise<void> {
  await ctx.db.write(() => {
    const g = requireGroup(ctx, tenant, id);
    ctx.db.stmt('DELETE FROM sendgrid_asm_groups WHERE id = ?').run(g.id);
    ctx.db.stmt('DELETE FROM sendgrid_asm_suppressions WHERE tenant = ? AND group_id = ?').run(tenant, g.id);
  });
}

/** GET /v3/asm/groups/{group_id}/suppressions */
export function ListSuppressionFromAsmGroup(ctx: SendGridContext, tenant: string, id: string): string[] {
  const g = requireGroup(ctx, tenant, id);
  return ctx.db.stmt('SELECT email FROM sendgrid_asm_suppressions WHERE tenant = ? AND group_id = ? ORDER BY created, email').pluck().all(tenant, g.id) as string[];
}

/** POST /v3/asm/groups/{group_id}/suppressions */
export async function AddSuppressionToAsmGroup(ctx: SendGridContext, tenant: string, id: string, body: Obj): Promise<string[]> {
  const emails = recipientEmails(body);
  const now = Math.floor(ctx.clock.now() / 1000);
  await ctx.db.write(() => {
    const g = requireGroup(ctx, tenant, id);
    const ins = ctx.db.stmt('INSERT OR IGNORE INTO sendgrid_asm_suppressions (tenant, group_id, email, created) VALUES (?, ?, ?, ?)');
    for (const e of emails) ins.run(tenant, g.id, e, now);
  });
  return emails;
}

/** DELETE /v3/asm/groups/{group_id}/suppressions/{email} */
export async function DeleteSuppressionFromAsmGroup(ctx: SendGridContext, tenant: string, id: string, email: string): Promise<void> {
  await ctx.db.write(() => {
    const g = requireGroup(ctx, tenant, id);
    ctx.db.stmt('DELETE FROM sendgrid_asm_suppressions WHERE tenant = ? AND group_id = ? AND email = ?').run(tenant, g.id, email);
  });
}

/** GET /v3/asm/suppressions: every group suppression of the account. */
export function ListAsmSuppression(ctx: SendGridContext, tenant: string) {
  return (
    ctx.db
      .stmt(
        `SELECT s.email, s.group_id, g.name AS group_name, s.created AS created_at FROM sendgrid_asm_suppressions s
         JOIN sendgrid_asm_groups g ON g.id = s.group_id WHERE s.tenant = ? ORDER BY s.created, s.email`,
      )
      .all(tenant) as { email: string; group_id: number; group_name: string; created_at: number }[]
  );
}
