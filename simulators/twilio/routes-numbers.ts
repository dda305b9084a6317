import { empty, json, type RouteDef } from '../../src/core/index.js';
import { listResponse } from './serializers.js';
import { serializeNumber } from './serializers-numbers.js';
import { availableNumbers } from './operations/numbers/AvailablePhoneNumber.js';
import {
  CreateIncomingPhoneNumber,
  DeleteIncomingPhoneNumber,
  FetchIncomingPhoneNumber,
  ListIncomingPhoneNumber,
  UpdateIncomingPhoneNumber,
} from './operations/numbers/IncomingPhoneNumber.js';
import { first } from '../../src/core/index.js';
import { errors } from './errors.js';
import { pageTokens, readPaging } from './paging.js';
import type { Handler } from './routes.js';

const ACC = '/2010-04-01/Accounts/:AccountSid';

function available(type: 'local' | 'toll-free'): Handler {
  return (ctx, c) => {
    const country = c.params.CountryCode;
    const p = readPaging(c.query);
    const path = `/2010-04-01/Accounts/${c.account}/AvailablePhoneNumbers/${country}/${type === 'local' ? 'Local' : 'TollFree'}.json`;
    if (country !== 'US') throw errors.notFound(path);
    const areaCode = first(c.query, 'AreaCode');
    if (areaCode !== undefined && !/^\d{3}$/.test(areaCode)) throw errors.invalidParam(`Invalid AreaCode: ${areaCode}`);
    const items = availableNumbers(ctx, type, { areaCode, contains: first(c.query, 'Contains'), pageSize: p.pageSize, page: p.page });
    const filters: [string, string][] = [];
    for (const k of ['AreaCode', 'Contains']) {
      const v = first(c.query, k);
      if (v !== undefined) filters.push([k, v]);
    }
    return listResponse('available_phone_numbers', path, { rows: items, filters, page: p.page, pageSize: p.pageSize, nextToken: null, previousToken: null }, (n) => n);
  };
}

export const numbersRoutes: RouteDef<Handler>[] = [
  {
    method: 'POST',
    pattern: `${ACC}/IncomingPhoneNumbers.json`,
    operation: 'CreateIncomingPhoneNumber',
    handler: async (ctx, c) => json(201, serializeNumber(await CreateIncomingPhoneNumber(ctx, c.account, await c.form()))),
  },
  {
    method: 'GET',
    pattern: `${ACC}/IncomingPhoneNumbers.json`,
    operation: 'ListIncomingPhoneNumber',
    handler: (ctx, c) => {
      const p = readPaging(c.query);
      const r = ListIncomingPhoneNumber(ctx, c.account, c.query, p.pageSize, p.page);
      const filters: [string, string][] = [];
      for (const k of ['PhoneNumber', 'FriendlyName']) {
        const v = first(c.query, k);
        if (v !== undefined) filters.push([k, v]);
      }
      const path = `/2010-04-01/Accounts/${c.account}/IncomingPhoneNumbers.json`;
      return listResponse('incoming_phone_numbers', path, { rows: r.rows, filters, page: p.page, pageSize: p.pageSize, ...pageTokens(p.page, r.more) }, serializeNumber);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/IncomingPhoneNumbers/:Sid.json`,
    operation: 'FetchIncomingPhoneNumber',
    handler: (ctx, c) => json(200, serializeNumber(FetchIncomingPhoneNumber(ctx, c.account, c.params.Sid))),
  },
  {
    method: 'POST',
    pattern: `${ACC}/IncomingPhoneNumbers/:Sid.json`,
    operation: 'UpdateIncomingPhoneNumber',
    handler: async (ctx, c) => json(200, serializeNumber(await UpdateIncomingPhoneNumber(ctx, c.account, c.params.Sid, await c.form()))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/IncomingPhoneNumbers/:Sid.json`,
    operation: 'DeleteIncomingPhoneNumber',
    handler: async (ctx, c) => {
      await DeleteIncomingPhoneNumber(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/AvailablePhoneNumbers/:CountryCode/Local.json`,
    operation: 'ListAvailablePhoneNumberLocal',
    handler: available('local'),
  },
  {
    method: 'GET',
    pattern: `${ACC}/AvailablePhoneNumbers/:CountryCode/TollFree.json`,
    operation: 'ListAvailablePhoneNumberTollFree',
    handler: available('toll-free'),
  },
];
