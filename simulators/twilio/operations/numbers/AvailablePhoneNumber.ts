import { base, en, en_US, Faker } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import type { TwilioContext } from '../../context.js';
import { friendlyNumber } from '../../serializers-numbers.js';

const LOCAL_AREA_CODES = ['212', '305', '312', '415', '503', '512', '617', '702', '206', '303', '404', '646', '713', '818'];
const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];
const faker = new Faker({ locale: [en_US, en, base] });

export interface AvailableNumber {
  friendly_name: string;
  phone_number: string;
  lata: string | null;
  locality: string | null;
  rate_center: string | null;
  latitude: string | null;
  longitude: string | null;
  region: string | null;
  postal_code: string | null;
  iso_country: string;
  address_requirements: string;
  beta: boolean;
  capabilities: { voice: boolean; SMS: boolean; MMS: boolean; fax: boolean };
}

/**
 * Numbers on offer: realistic and deterministic (faker seeded by the search), so a demo shows
 * plausible numbers and a test sees the same list every time.
 */
export function availableNumbers(
  ctx: TwilioContext,
  type: 'local' | 'toll-free',
  q: { areaCode?: string; contains?: string; pageSize: number; page: number },
): AvailableNumber[] {
  const seedText = `${ctx.seed}:${type}:${q.areaCode ?? ''}:${q.contains ?? ''}:${q.page}`;
  faker.seed(createHash('sha256').update(seedText).digest().readUInt32BE(0));
  const digits = (q.contains ?? '').replace(/\D/g, '');
  const out: AvailableNumber[] = [];
  for (let i = 0; i < q.pageSize; i++) {
    const area = q.areaCode ?? faker.helpers.arrayElement(type === 'local' ? LOCAL_AREA_CODES : TOLL_FREE);
    let rest = String(faker.number.int({ min: 2, max: 9 })) + faker.string.numeric(6);
    if (digits && digits.length <= 7) rest = (digits + rest).slice(0, 7).padEnd(7, '0');
    const phone = `+1${area}${rest}`;
    const local = type === 'local';
    out.push({
      friendly_name: friendlyNumber(phone),
      phone_number: phone,
      lata: local ? String(faker.number.int({ min: 100, max: 999 })) : null,
      locality: local ? faker.location.city() : null,
      rate_center: local ? faker.location.city().toUpperCase().slice(0, 10) : null,
      latitude: local ? faker.location.latitude({ precision: 6 }).toFixed(6) : null,
      longitude: local ? faker.location.longitude({ precision: 6 }).toFixed(6) : null,
      region: local ? faker.location.state({ abbreviated: true }) : null,
      postal_code: local ? faker.location.zipCode('#####') : null,
      iso_country: 'US',
      address_requirements: 'none',
      beta: false,
      capabilities: { voice: true, SMS: true, MMS: true, fax: false },
    });
  }
  return out;
}
