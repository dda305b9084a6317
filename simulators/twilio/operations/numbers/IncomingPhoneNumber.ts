import { first, twilioSid, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors, TwilioError } from '../../errors.js';
import { normalizeNumber } from '../../phone.js';
import { friendlyNumber } from '../../serializers-numbers.js';
import { NUMBER_FIELDS, type NumberRow } from '../../store-numbers.js';
import { availableNumbers } from './AvailablePhoneNumber.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const METHOD = /^(GET|POST)$/i;
const uri = (account: string, sid: string) => `/2010-04-01/Accounts/${account}/IncomingPhoneNumbers/${sid}.json`;

function changesFrom(form: FormValues): Partial<NumberRow> {
  const changes: Record<string, unknown> = {};
  for (const [param, column] of NUMBER_FIELDS) {
    const v = first(form, param);
    if (v === undefined) continue;
    if (column.endsWith('_method')) {
      if (!METHOD.test(v)) throw new TwilioError(400, 21207, `${param} must be either GET or POST`);
      changes[column] = v.toUpperCase();
    } else if (column.endsWith('_url') || column === 'status_callback') {
      if (v !== '' && !/^https?:\/\/\S+$/i.test(v)) throw new TwilioError(400, 21502, `${param} is not a valid URL: ${v}`);
      changes[column] = v === '' ? null : v;
    } else {
      changes[column] = v;
    }
  }
  return changes as Partial<NumberRow>;
}

/** POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json (PhoneNumber or AreaCode) */
export async function CreateIncomingPhoneNumber(ctx: TwilioContext, account: string, form: FormValues): Promise<NumberRow> {
  const raw = first(form, 'PhoneNumber');
  const areaCode = first(form, 'AreaCode');
  let phone: string;
  if (raw) {
    phone = normalizeNumber(raw);
    if (!E164.test(phone)) throw new TwilioError(400, 21421, `PhoneNumber is invalid: ${raw}`);
  } else if (areaCode) {
    if (!/^\d{3}$/.test(areaCode)) throw new TwilioError(400, 21451, `Invalid area code: ${areaCode}`);
    const owned = new Set((ctx.numbers.list(account, {}, 10000, 0) as NumberRow[]).map((n) => n.phone_number));
    const pick = availableNumbers(ctx, 'local', { areaCode, pageSize: 50, page: 0 }).find((n) => !owned.has(n.phone_number));
    if (!pick) throw new TwilioError(400, 21452, `No phone numbers found in area code ${areaCode}`);
    phone = pick.phone_number;
  } else {
    throw new TwilioError(400, 21421, "A 'PhoneNumber' or 'AreaCode' is required.");
  }
  const now = ctx.clock.now();
  const row: NumberRow = {
    seq: 0,
    sid: twilioSid('PN'),
    account_sid: account,
    phone_number: phone,
    friendly_name: friendlyNumber(phone),
    sms_url: null,
    sms_method: 'POST',
    sms_fallback_url: null,
    sms_fallback_method: 'POST',
    voice_url: null,
    voice_method: 'POST',
    voice_fallback_url: null,
    voice_fallback_method: 'POST',
    status_callback: null,
    status_callback_method: 'POST',
    fixture: 0,
    date_created: now,
    date_updated: now,
    ...changesFrom(form),
  };
  return ctx.db.write(() => {
    if (ctx.numbers.byNumber.get(account, phone)) throw new TwilioError(400, 21422, `PhoneNumber ${phone} is not available`);
    row.seq = Number(ctx.numbers.insert.run(row).lastInsertRowid);
    return row;
  });
}

/** GET .../IncomingPhoneNumbers/{Sid}.json */
export function FetchIncomingPhoneNumber(ctx: TwilioContext, account: string, sid: string): NumberRow {
  const row = ctx.numbers.get.get(account, sid) as NumberRow | undefined;
  if (!row) throw errors.notFound(uri(account, sid));
  return row;
}

/** GET .../IncomingPhoneNumbers.json (PhoneNumber, FriendlyName filters) */
export function ListIncomingPhoneNumber(ctx: TwilioContext, account: string, q: FormValues, pageSize: number, page: number) {
  const rows = ctx.numbers.list(
    account,
    { phoneNumber: first(q, 'PhoneNumber')?.replace(/^ /, '+'), friendlyName: first(q, 'FriendlyName') },
    pageSize + 1,
    page * pageSize,
  );
  return { rows: rows.slice(0, pageSize), more: rows.length > pageSize };
}

/** POST .../IncomingPhoneNumbers/{Sid}.json */
export async function UpdateIncomingPhoneNumber(ctx: TwilioContext, account: string, sid: string, form: FormValues): Promise<NumberRow> {
  const changes = changesFrom(form);
  const now = ctx.clock.now();
  return ctx.db.write(() => {
    FetchIncomingPhoneNumber(ctx, account, sid);
    ctx.numbers.update(account, sid, changes, now);
    return ctx.numbers.get.get(account, sid) as NumberRow;
  });
}

/** DELETE .../IncomingPhoneNumbers/{Sid}.json (releases the number) */
export async function DeleteIncomingPhoneNumber(ctx: TwilioContext, account: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.numbers.remove.run(account, sid).changes === 0) throw errors.notFound(uri(account, sid));
  });
}
