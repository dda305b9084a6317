import { randomUUID } from 'node:crypto';
import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import type { VersionRow } from '../store.js';
import { requireTemplate } from './templates.js';

type Obj = Record<string, unknown>;

function requireVersion(ctx: SendGridContext, tenant: string, templateId: string, id: string): VersionRow {
  requireTemplate(ctx, tenant, templateId);
  const v = ctx.store.getVersion.get(templateId, id) as VersionRow | undefined;
  if (!v) throw errors.versionNotFound();
  return v;
}

function str(body: Obj, key: string, max?: number): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw errors.invalidRequest(`${key} must be a string`, key);
  if (max !== undefined && v.length > max) throw errors.invalidRequest(`${key} must be ${max} characters or fewer`, key);
  return v;
}

/** Reads the fields of a version; `base` holds the current values on update. */
function readVersion(body: Obj, base?: VersionRow) {
  const name = str(body, 'name', 100) ?? base?.name;
  if (!name) throw errors.invalidRequest('name is required', 'name');
  const subject = str(body, 'subject', 255) ?? base?.subject;
  if (subject === undefined) throw errors.invalidRequest('subject is required', 'subject');
  const html = str(body, 'html_content', 1048576) ?? base?.html_content ?? '';
  const gen = body.generate_plain_content;
  if (gen !== undefined && typeof gen !== 'boolean') throw errors.invalidRequest('generate_plain_content must be a boolean', 'generate_plain_content');
  const active = body.active;
  if (active !== undefined && active !== 0 && active !== 1) throw errors.invalidRequest('active must be 0 or 1', 'active');
  const editor = body.editor ?? base?.editor ?? 'code';
  if (editor !== 'code' && editor !== 'design') throw errors.invalidRequest('editor must be either code or design', 'editor');
  return {
    name,
    subject,
    html_content: html,
    plain_content: str(body, 'plain_content', 1048576) ?? base?.plain_content ?? '',
    generate_plain_content: gen === undefined ? (base?.generate_plain_content ?? 1) : gen ? 1 : 0,
    active: active as 0 | 1 | undefined,
    editor,
    test_data: str(body, 'test_data') ?? base?.test_data ?? null,
  };
}

function touched(ctx: SendGridContext, type: 'sendgrid.template.updated', tenant: string, id: string, summary: string) {
  ctx.bus.emit({ provider: 'sendgrid', type, tenant, id, summary, time: new Date(ctx.clock.now()).toISOString() });
}

/** POST /v3/templates/{template_id}/versions: the first version of a template is active. */
export async function CreateTemplateVersion(ctx: SendGridContext, tenant: string, templateId: string, body: Obj): Promise<VersionRow> {
  const f = readVersion(body);
  const now = ctx.clock.now();
  const row = await ctx.db.write(() => {
    requireTemplate(ctx, tenant, templateId);
    const first = (ctx.store.listVersions.all(templateId) as VersionRow[]).length === 0;
    const active = first || f.active === 1 ? 1 : 0;
    if (active) ctx.store.deactivateVersions.run(templateId);
    const v: VersionRow = { seq: 0, id: randomUUID(), template_id: templateId, tenant, ...f, active, updated_at: now };
    v.seq = Number(ctx.store.insertVersion.run(v).lastInsertRowid);
    ctx.store.touchTemplate.run(now, templateId);
    return v;
  });
  touched(ctx, 'sendgrid.template.updated', tenant, templateId, `version ${row.id} created`);
  return row;
}

/** GET /v3/templates/{template_id}/versions/{version_id} */
export function GetTemplateVersion(ctx: SendGridContext, tenant: string, templateId: string, id: string): VersionRow {
  return requireVersion(ctx, tenant, templateId, id);
}

/** PATCH /v3/templates/{template_id}/versions/{version_id} */
export async function UpdateTemplateVersion(ctx: SendGridContext, tenant: string, templateId: string, id: string, body: Obj): Promise<VersionRow> {
  const now = ctx.clock.now();
  const row = await ctx.db.write(() => {
    const cur = requireVersion(ctx, tenant, templateId, id);
    const f = readVersion(body, cur);
    ctx.store.updateVersion.run({ ...f, id, updated_at: now });
    if (f.active === 1) {
      ctx.store.deactivateVersions.run(templateId);
      ctx.store.activateVersion.run(now, id);
    }
    ctx.store.touchTemplate.run(now, templateId);
    return ctx.store.getVersion.get(templateId, id) as VersionRow;
  });
  touched(ctx, 'sendgrid.template.updated', tenant, templateId, `version ${id} updated`);
  return row;
}

/** DELETE /v3/templates/{template_id}/versions/{version_id} */
export async function DeleteTemplateVersion(ctx: SendGridContext, tenant: string, templateId: string, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(() => {
    requireVersion(ctx, tenant, templateId, id);
    ctx.store.deleteVersion.run(id);
    ctx.store.touchTemplate.run(now, templateId);
  });
  touched(ctx, 'sendgrid.template.updated', tenant, templateId, `version ${id} deleted`);
}

/** POST /v3/templates/{template_id}/versions/{version_id}/activate */
export async function ActivateTemplateVersion(ctx: SendGridContext, tenant: string, templateId: string, id: string): Promise<VersionRow> {
  const now = ctx.clock.now();
  const row = await ctx.db.write(() => {
    requireVersion(ctx, tenant, templateId, id);
    ctx.store.deactivateVersions.run(templateId);
    ctx.store.activateVersion.run(now, id);
    ctx.store.touchTemplate.run(now, templateId);
    return ctx.store.getVersion.get(templateId, id) as VersionRow;
  });
  touched(ctx, 'sendgrid.template.updated', tenant, templateId, `version ${id} activated`);
  return row;
}
