import { first, parseBool, twilioSid, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors, TwilioError } from '../../errors.js';
import { SERVICE_FIELDS, type ServiceRow } from '../../store-messaging.js';

const USECASES = ['notifications', 'marketing', 'verification', 'discussion', 'poll', 'undeclared'];

function changesFrom(form: FormValues): Partial<ServiceRow> {
  const out: Record<string, unknown> = {};
  for (const [param, column, type] of SERVICE_FIELDS) {
    const v = first(form, param);
    if (v === undefined) continue;
    switch (type) {
      case 'method':
        if (!/^(GET|POST)$/i.test(v)) throw new TwilioError(400, 20001, `Invalid ${param}: must be GET or POST`);
        out[column] = v.toUpperCase();
        break;
      case 'url':
        if (v !== '' && !/^https?:\/\/\S+$/i.test(v)) throw new TwilioError(400, 20001, `Invalid ${param}: ${v} is not a valid URL`);
        out[column] = v === '' ? null : v;
        break;
      case 'bool': {
        const b = parseBool(v);
        if (b === undefined) throw new TwilioError(400, 20001, `Invalid ${param}: must be true or false`);
        out[column] = b ? 1 : 0;
        break;
      }
      case 'int': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 36000) throw new TwilioError(400, 20001, `Invalid ${param}: must be between 1 and 36000`);
        out[column] = n;
        break;
      }
      default:
        if (column === 'usecase' && !USECASES.includes(v)) {
          throw new TwilioError(400, 20001, `Invalid Usecase: must be one of ${USECASES.join(', ')}`);
        }
        if (column === 'friendly_name' && v.length > 64) throw new TwilioError(400, 20001, 'FriendlyName must be at most 64 characters');
        out[column] = v;
    }
  }
  return out as Partial<ServiceRow>;
}

const notFound = (_ctx: TwilioContext, sid: string) => errors.notFound(`/Services/${sid}`);

/** POST /messaging/v1/Services */
export async function CreateService(ctx: TwilioContext, account: string, form: FormValues): Promise<ServiceRow> {
  const name = first(form, 'FriendlyName');
  if (!name) throw new TwilioError(400, 20001, 'Missing required parameter FriendlyName in the post body');
  const now = ctx.clock.now();
  const row: ServiceRow = {
    seq: 0,
    sid: twilioSid('MG'),
    account_sid: account,
    friendly_name: name,
    inbound_request_url: null,
    inbound_method: 'POST',
    fallback_url: null,
    fallback_method: 'POST',
    status_callback: null,
    sticky_sender: 1,
    mms_converter: 1,
    smart_encoding: 1,
    fallback_to_long_code: 1,
    area_code_geomatch: 1,
    synchronous_validation: 0,
    validity_period: 36000,
    usecase: 'undeclared',
    use_inbound_webhook_on_number: 0,
    date_created: now,
    date_updated: now,
    ...changesFrom(form),
  };
  await ctx.db.write(() => {
    row.seq = ctx.messaging.insert(row);
  });
  return row;
}

/** GET /messaging/v1/Services/{Sid} */
export function FetchService(ctx: TwilioContext, account: string, sid: string): ServiceRow {
  const row = ctx.messaging.get.get(account, sid) as ServiceRow | undefined;
  if (!row) throw notFound(ctx, sid);
  return row;
}

/** GET /messaging/v1/Services */
export function ListService(ctx: TwilioContext, account: string, pageSize: number, page: number) {
  const rows = ctx.messaging.list(account, pageSize + 1, page * pageSize);
  return { rows: rows.slice(0, pageSize), more: rows.length > pageSize };
}

/** POST /messaging/v1/Services/{Sid} */
export async function UpdateService(ctx: TwilioContext, account: string, sid: string, form: FormValues): Promise<ServiceRow> {
  const changes = changesFrom(form);
  const now = ctx.clock.now();
  return ctx.db.write(() => {
    FetchService(ctx, account, sid);
    ctx.messaging.update(account, sid, changes, now);
    return ctx.messaging.get.get(account, sid) as ServiceRow;
  });
}

/** DELETE /messaging/v1/Services/{Sid} (its sender pool goes with it; the numbers stay) */
export async function DeleteService(ctx: TwilioContext, account: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.messaging.remove.run(account, sid).changes === 0) throw notFound(ctx, sid);
    ctx.messaging.removeNumbers.run(account, sid);
  });
}
