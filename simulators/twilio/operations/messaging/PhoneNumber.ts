import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors, TwilioError } from '../../errors.js';
import type { NumberRow } from '../../store-numbers.js';
import type { ServiceNumberRow } from '../../store-messaging.js';
import { FetchService } from './Service.js';

/** POST /messaging/v1/Services/{ServiceSid}/PhoneNumbers (PhoneNumberSid of an IncomingPhoneNumber) */
export async function CreatePhoneNumber(ctx: TwilioContext, account: string, service: string, form: FormValues): Promise<ServiceNumberRow> {
  const pn = first(form, 'PhoneNumberSid');
  if (!pn) throw new TwilioError(400, 20001, 'Missing required parameter PhoneNumberSid in the post body');
  const now = ctx.clock.now();
  return ctx.db.write(() => {
    FetchService(ctx, account, service);
    const number = ctx.numbers.get.get(account, pn) as NumberRow | undefined;
    if (!number) throw new TwilioError(400, 21710, `The Phone Number ${pn} is not owned by this account or does not exist.`);
    const owner = ctx.messaging.serviceOfNumber.get(pn) as { sid: string } | undefined;
    if (owner?.sid === service) throw new TwilioError(409, 21710, 'Phone Number or Short Code is already in the Messaging Service.');
    if (owner) throw new TwilioError(409, 21712, 'Phone Number or Short Code is associated with another Messaging Service.');
    ctx.messaging.addNumber.run(service, pn, account, now, now);
    return ctx.messaging.getNumber.get(account, service, pn) as ServiceNumberRow;
  });
}

/** GET /messaging/v1/Services/{ServiceSid}/PhoneNumbers/{Sid} */
export function FetchPhoneNumber(ctx: TwilioContext, account: string, service: string, sid: string): ServiceNumberRow {
  const row = ctx.messaging.getNumber.get(account, service, sid) as ServiceNumberRow | undefined;
  if (!row) throw errors.notFound(`/Services/${service}/PhoneNumbers/${sid}`);
  return row;
}

/** GET /messaging/v1/Services/{ServiceSid}/PhoneNumbers */
export function ListPhoneNumber(ctx: TwilioContext, account: string, service: string, pageSize: number, page: number) {
  FetchService(ctx, account, service);
  const rows = ctx.messaging.listNumbers(account, service, pageSize + 1, page * pageSize);
  return { rows: rows.slice(0, pageSize), more: rows.length > pageSize };
}

/** DELETE /messaging/v1/Services/{ServiceSid}/PhoneNumbers/{Sid} */
export async function DeletePhoneNumber(ctx: TwilioContext, account: string, service: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.messaging.removeNumber.run(account, service, sid).changes === 0) {
      throw errors.notFound(`/Services/${service}/PhoneNumbers/${sid}`);
    }
  });
}
