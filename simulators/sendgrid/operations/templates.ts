import { randomUUID } from 'node:crypto';
import { randomHex } from '../../../src/core/index.js';
import type { SendGridContext } from '../context.js';
import { errors } from '../errors.js';
import type { TemplateRow, VersionRow } from '../store.js';

type Obj = Record<string, unknown>;
export interface TemplateWithVersions {
  template: TemplateRow;
  versions: VersionRow[];
}
export interface TemplatePage {
  items: TemplateWithVersions[];
  nextToken: string | null;
  pageSize: number;
}

export const newTemplateId = (generation: string) => (generation === 'dynamic' ? 'd-' + randomHex(16) : randomUUID());

function emit(ctx: SendGridContext, tenant: string, type: 'sendgrid.template.created' | 'sendgrid.template.updated' | 'sendgrid.template.deleted', id: string, summary: string) {
  ctx.bus.emit({ provider: 'sendgrid', type, tenant, id, summary, time: new Date(ctx.clock.now()).toISOString() });
}

function readName(body: Obj, required: boolean): string | undefined {
  const name = body.name;
  if (name === undefined) {
    if (required) throw errors.invalidRequest('name is required', 'name');
    return undefined;
  }
  if (typeof name !== 'string' || name === '') throw errors.invalidRequest('name is required', 'name');
  if (name.length > 100) throw errors.invalidRequest('name must be 100 characters or fewer', 'name');
  return name;
}

export function requireTemplate(ctx: SendGridContext, tenant: string, id: string): TemplateRow {
  const t = ctx.store.getTemplate.get(id, tenant) as TemplateRow | undefined;
  if (!t) throw errors.templateNotFound();
  return t;
}

const withVersions = (ctx: SendGridContext, t: TemplateRow): TemplateWithVersions => ({
  template: t,
  versions: ctx.store.listVersions.all(t.id) as VersionRow[],
});

/** POST /v3/templates */
export async function CreateTemplate(ctx: SendGridContext, tenant: string, body: Obj): Promise<TemplateWithVersions> {
  const name = readName(body, true)!;
  const generation = body.generation ?? 'legacy';
  if (generation !== 'legacy' && generation !== 'dynamic') throw errors.invalidRequest('generation must be either legacy or dynamic', 'generation');
  const now = ctx.clock.now();
  const row: TemplateRow = { seq: 0, id: newTemplateId(generation), tenant, name, generation, fixture: 0, updated_at: now };
  await ctx.db.write(() => {
    ctx.store.insertTenant.run(tenant, now);
    row.seq = Number(ctx.store.insertTemplate.run(row).lastInsertRowid);
  });
  emit(ctx, tenant, 'sendgrid.template.created', row.id, `${generation} template ${name}`);
  return { template: row, versions: [] };
}

/** GET /v3/templates?generations=&page_size=&page_token= */
export function ListTemplate(ctx: SendGridContext, tenant: string, q: URLSearchParams): TemplatePage {
  const gens = (q.get('generations') ?? 'legacy').split(',').map((g) => g.trim());
  if (gens.length === 0 || gens.some((g) => g !== 'legacy' && g !== 'dynamic')) {
    throw errors.invalidRequest('generations must be legacy, dynamic or legacy,dynamic', 'generations');
  }
  const rawSize = q.get('page_size');
  const pageSize = rawSize === null ? 200 : Number(rawSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw errors.invalidRequest('page_size must be between 1 and 200', 'page_size');
  const token = q.get('page_token');
  let after = 0;
  if (token) {
    const n = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw errors.invalidRequest('invalid page_token', 'page_token');
    after = n;
  }
  const rows = ctx.store.listTemplates.all({
    tenant,
    legacy: gens.includes('legacy') ? 1 : 0,
    dynamic: gens.includes('dynamic') ? 1 : 0,
    after,
    limit: pageSize + 1,
  }) as TemplateRow[];
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  return {
    items: page.map((t) => withVersions(ctx, t)),
    pageSize,
    nextToken: more ? Buffer.from(String(page[page.length - 1].seq)).toString('base64url') : null,
  };
}

/** GET /v3/templates/{template_id} */
export function GetTemplate(ctx: SendGridContext, tenant: string, id: string): TemplateWithVersions {
  return withVersions(ctx, requireTemplate(ctx, tenant, id));
}

/** PATCH /v3/templates/{template_id} */
export async function UpdateTemplate(ctx: SendGridContext, tenant: string, id: string, body: Obj): Promise<TemplateWithVersions> {
  const name = readName(body, false);
  const now = ctx.clock.now();
  const t = await ctx.db.write(() => {
    const cur = requireTemplate(ctx, tenant, id);
    ctx.store.updateTemplate.run(name ?? cur.name, now, id);
    return ctx.store.getTemplate.get(id, tenant) as TemplateRow;
  });
  emit(ctx, tenant, 'sendgrid.template.updated', id, `renamed ${t.name}`);
  return withVersions(ctx, t);
}

/** POST /v3/templates/{template_id}: a copy with the same generation and versions. */
export async function DuplicateTemplate(ctx: SendGridContext, tenant: string, id: string, body: Obj): Promise<TemplateWithVersions> {
  const name = readName(body, false);
  const now = ctx.clock.now();
  const copy = await ctx.db.write(() => {
    const src = requireTemplate(ctx, tenant, id);
    const row: TemplateRow = { seq: 0, id: newTemplateId(src.generation), tenant, name: name ?? `Duplicate: ${src.name}`, generation: src.generation, fixture: 0, updated_at: now };
    row.seq = Number(ctx.store.insertTemplate.run(row).lastInsertRowid);
    for (const v of ctx.store.listVersions.all(src.id) as VersionRow[]) {
      ctx.store.insertVersion.run({ ...v, id: randomUUID(), template_id: row.id, tenant, updated_at: now });
    }
    return row;
  });
  emit(ctx, tenant, 'sendgrid.template.created', copy.id, `duplicate of ${id}`);
  return withVersions(ctx, copy);
}

/** DELETE /v3/templates/{template_id} */
export async function DeleteTemplate(ctx: SendGridContext, tenant: string, id: string): Promise<void> {
  await ctx.db.write(() => {
    requireTemplate(ctx, tenant, id);
    ctx.store.deleteVersionsOf.run(id);
    ctx.store.deleteTemplate.run(id);
  });
  emit(ctx, tenant, 'sendgrid.template.deleted', id, 'deleted');
}
