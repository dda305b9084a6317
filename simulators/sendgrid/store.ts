import type { Database, Statement } from '../../src/db/index.js';

export interface MessageRow {
  seq: number;
  msg_id: string;
  x_message_id: string;
  tenant: string;
  recipient: string;
  recipient_name: string | null;
  recipient_type: string;
  to_json: string;
  cc_json: string;
  bcc_json: string;
  from_email: string;
  from_name: string | null;
  reply_to_json: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  headers_json: string;
  categories_json: string;
  custom_args_json: string;
  template_id: string | null;
  dynamic_template_data_json: string | null;
  send_at: number | null;
  batch_id: string | null;
  asm_json: string | null;
  ip_pool_name: string | null;
  created: number;
  /** mail_settings / tracking_settings `enable` flags of the send (bypass_*, open_tracking...). */
  settings_json?: string;
  /** The last delivery event (processed, deferred, delivered, bounce, dropped), NULL before processing. */
  state?: string | null;
  /** Events still to come, in order. NULL until the message is processed. */
  plan_json?: string | null;
  next_step_at?: number | null;
  last_event_time?: number | null;
}

export interface EventRow {
  seq: number;
  sg_event_id: string;
  tenant: string;
  msg_id: string;
  email: string;
  event: string;
  time: number;
  data_json: string;
}

export interface EventWebhookRow {
  seq: number;
  id: string;
  tenant: string;
  enabled: number;
  url: string;
  friendly_name: string | null;
  flags_json: string;
  oauth_client_id: string | null;
  oauth_token_url: string | null;
  signed: number;
  public_key: string | null;
  private_key: string | null;
  created: number;
  updated: number;
}

export interface SuppressionRow {
  tenant: string;
  list: string;
  email: string;
  created: number;
  reason: string | null;
  status: string | null;
  ip: string | null;
}

export interface AsmGroupRow {
  id: number;
  tenant: string;
  name: string;
  description: string;
  is_default: number;
  created: number;
}

export interface OutcomeRuleRow {
  id: number;
  tenant: string;
  email: string;
  status: string;
  engagement_json: string;
  reason: string | null;
  fixture: number;
  created: number;
}

export interface AttachmentRow {
  x_message_id: string;
  idx: number;
  tenant: string;
  filename: string;
  type: string | null;
  disposition: string;
  content_id: string | null;
  size: number;
  content: Buffer;
}

export interface BatchRow {
  tenant: string;
  batch_id: string;
  status: string | null;
  created: number;
}

export interface TemplateRow {
  seq: number;
  id: string;
  tenant: string;
  name: string;
  generation: 'legacy' | 'dynamic';
  fixture: number;
  updated_at: number;
}

export interface VersionRow {
  seq: number;
  id: string;
  template_id: string;
  tenant: string;
  name: string;
  subject: string;
  html_content: string;
  plain_content: string;
  generate_plain_content: number;
  active: number;
  editor: string;
  test_data: string | null;
  updated_at: number;
}

/** Tenant of templates declared in fixtures: every API key sees them. */
export const SHARED_TENANT = '';

/** Prepared statements of the SendGrid simulator. */
export class SendGridStore {
  readonly insertTenant: Statement;
  readonly listTenants: Statement;
  readonly insertMessage: Statement;
  readonly getMessage: Statement;
  readonly insertAttachment: Statement;
  readonly listAttachments: Statement;
  readonly getAttachment: Statement;
  readonly insertBatch: Statement;
  readonly getBatch: Statement;
  readonly setBatchStatus: Statement;
  readonly listScheduled: Statement;
  readonly getTemplate: Statement;
  readonly insertTemplate: Statement;
  readonly updateTemplate: Statement;
  readonly touchTemplate: Statement;
  readonly deleteTemplate: Statement;
  readonly deleteVersionsOf: Statement;
  readonly listTemplates: Statement;
  readonly listVersions: Statement;
  readonly getVersion: Statement;
  readonly getActiveVersion: Statement;
  readonly insertVersion: Statement;
  readonly updateVersion: Statement;
  readonly deactivateVersions: Statement;
  readonly activateVersion: Statement;
  readonly deleteVersion: Statement;

  constructor(private readonly db: Database) {
    const s = db.sql;
    this.insertTenant = s.prepare('INSERT OR IGNORE INTO sendgrid_tenants (tenant, created) VALUES (?, ?)');
    this.listTenants = s.prepare('SELECT tenant, created FROM sendgrid_tenants ORDER BY created, tenant');
    this.insertMessage = s.prepare(
      `INSERT INTO sendgrid_messages (msg_id, x_message_id, tenant, recipient, recipient_name, recipient_type, to_json, cc_json,
         bcc_json, from_email, from_name, reply_to_json, subject, text, html, headers_json, categories_json, custom_args_json,
         template_id, dynamic_template_data_json, send_at, batch_id, asm_json, ip_pool_name, settings_json, created)
       VALUES (@msg_id, @x_message_id, @tenant, @recipient, @recipient_name, @recipient_type, @to_json, @cc_json,
         @bcc_json, @from_email, @from_name, @reply_to_json, @subject, @text, @html, @headers_json, @categories_json,
         @custom_args_json, @template_id, @dynamic_template_data_json, @send_at, @batch_id, @asm_json, @ip_pool_name, @settings_json, @created)`,
    );
    this.getMessage = s.prepare('SELECT * FROM sendgrid_messages WHERE msg_id = ?');
    this.insertAttachment = s.prepare(
      `INSERT INTO sendgrid_attachments (x_message_id, idx, tenant, filename, type, disposition, content_id, size, content)
       VALUES (@x_message_id, @idx, @tenant, @filename, @type, @disposition, @content_id, @size, @content)`,
    );
    this.listAttachments = s.prepare(
      'SELECT x_message_id, idx, tenant, filename, type, disposition, content_id, size FROM sendgrid_attachments WHERE x_message_id = ? ORDER BY idx',
    );
    this.getAttachment = s.prepare('SELECT * FROM sendgrid_attachments WHERE x_message_id = ? AND idx = ?');
    this.insertBatch = s.prepare('INSERT OR IGNORE INTO sendgrid_batches (tenant, batch_id, status, created) VALUES (?, ?, NULL, ?)');
    this.getBatch = s.prepare('SELECT * FROM sendgrid_batches WHERE tenant = ? AND batch_id = ?');
    this.setBatchStatus = s.prepare(
      `INSERT INTO sendgrid_batches (tenant, batch_id, status, created) VALUES (@tenant, @batch_id, @status, @now)
       ON CONFLICT (tenant, batch_id) DO UPDATE SET status = excluded.status`,
    );
    this.listScheduled = s.prepare(
      'SELECT * FROM sendgrid_batches WHERE tenant = ? AND status IS NOT NULL ORDER BY created, batch_id',
    );
    this.getTemplate = s.prepare('SELECT * FROM sendgrid_templates WHERE id = ? AND tenant IN (?, \'\')');
    this.insertTemplate = s.prepare(
      `INSERT INTO sendgrid_templates (id, tenant, name, generation, fixture, updated_at)
       VALUES (@id, @tenant, @name, @generation, @fixture, @updated_at)`,
    );
    this.updateTemplate = s.prepare('UPDATE sendgrid_templates SET name = ?, updated_at = ? WHERE id = ?');
    this.touchTemplate = s.prepare('UPDATE sendgrid_templates SET updated_at = ? WHERE id = ?');
    this.deleteTemplate = s.prepare('DELETE FROM sendgrid_templates WHERE id = ?');
    this.deleteVersionsOf = s.prepare('DELETE FROM sendgrid_template_versions WHERE template_id = ?');
    this.listTemplates = s.prepare(
      `SELECT * FROM sendgrid_templates WHERE tenant IN (@tenant, '') AND (@legacy = 1 AND generation = 'legacy' OR @dynamic = 1 AND generation = 'dynamic')
         AND seq > @after ORDER BY seq LIMIT @limit`,
    );
    this.listVersions = s.prepare('SELECT * FROM sendgrid_template_versions WHERE template_id = ? ORDER BY seq');
    this.getVersion = s.prepare('SELECT * FROM sendgrid_template_versions WHERE template_id = ? AND id = ?');
    this.getActiveVersion = s.prepare('SELECT * FROM sendgrid_template_versions WHERE template_id = ? AND active = 1 ORDER BY seq DESC LIMIT 1');
    this.insertVersion = s.prepare(
      `INSERT INTO sendgrid_template_versions (id, template_id, tenant, name, subject, html_content, plain_content,
         generate_plain_content, active, editor, test_data, updated_at)
       VALUES (@id, @template_id, @tenant, @name, @subject, @html_content, @plain_content, @generate_plain_content, @active,
         @editor, @test_data, @updated_at)`,
    );
    this.updateVersion = s.prepare(
      `UPDATE sendgrid_template_versions SET name = @name, subject = @subject, html_content = @html_content,
         plain_content = @plain_content, generate_plain_content = @generate_plain_content, editor = @editor,
         test_data = @test_data, updated_at = @updated_at WHERE id = @id`,
    );
    this.deactivateVersions = s.prepare('UPDATE sendgrid_template_versions SET active = 0 WHERE template_id = ?');
    this.activateVersion = s.prepare('UPDATE sendgrid_template_versions SET active = 1, updated_at = ? WHERE id = ?');
    this.deleteVersion = s.prepare('DELETE FROM sendgrid_template_versions WHERE id = ?');
  }

  /** Deletes a tenant's records (or everyone's); templates declared in fixtures stay. */
  reset(tenant?: string): void {
    const s = this.db.sql;
    if (tenant === undefined) {
      s.exec(`DELETE FROM sendgrid_messages; DELETE FROM sendgrid_attachments; DELETE FROM sendgrid_batches;
        DELETE FROM sendgrid_events; DELETE FROM sendgrid_event_webhooks; DELETE FROM sendgrid_suppressions;
        DELETE FROM sendgrid_asm_groups; DELETE FROM sendgrid_asm_suppressions; DELETE FROM sendgrid_outcome_rules WHERE fixture = 0;
        DELETE FROM sendgrid_template_versions WHERE template_id NOT IN (SELECT id FROM sendgrid_templates WHERE fixture = 1);
        DELETE FROM sendgrid_templates WHERE fixture = 0; DELETE FROM sendgrid_tenants;`);
      return;
    }
    for (const t of [
      'sendgrid_messages',
      'sendgrid_attachments',
      'sendgrid_batches',
      'sendgrid_tenants',
      'sendgrid_events',
      'sendgrid_event_webhooks',
      'sendgrid_suppressions',
      'sendgrid_asm_groups',
      'sendgrid_asm_suppressions',
    ]) {
      s.prepare(`DELETE FROM ${t} WHERE tenant = ?`).run(tenant);
    }
    s.prepare('DELETE FROM sendgrid_template_versions WHERE tenant = ?').run(tenant);
    s.prepare('DELETE FROM sendgrid_templates WHERE tenant = ? AND fixture = 0').run(tenant);
    s.prepare('DELETE FROM sendgrid_outcome_rules WHERE tenant = ? AND fixture = 0').run(tenant);
  }
}
