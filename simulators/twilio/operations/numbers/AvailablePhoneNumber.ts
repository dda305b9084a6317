import { createHash } from 'node:crypto';
import { lazyModule } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { friendlyNumber } from '../../serializers-numbers.js';

/** Where the area codes the simulator offers by default are. */
const AREAS: Record<string, { city: string; region: string; lat: number; lon: number; zip: string }> = {
  '212': { city: 'New York', region: 'NY', lat: 40.7128, lon: -74.006, zip: '100' },
  '646': { city: 'New York', region: 'NY', lat: 40.7128, lon: -74.006, zip: '100' },
  '305': { city: 'Miami', region: 'FL', lat: 25.7617, lon: -80.1918, zip: '331' },
  '312': { city: 'Chicago', region: 'IL', lat: 41.8781, lon: -87.6298, zip: '606' },
  '415': { city: 'San Francisco', region: 'CA', lat: 37.7749, lon: -122.4194, zip: '941' },
  '818': { city: 'Los Angeles', region: 'CA', lat: 34.1808, lon: -118.309, zip: '915' },
  '503': { city: 'Portland', region: 'OR', lat: 45.5152, lon: -122.6784, zip: '972' },
  '512': { city: 'Austin', region: 'TX', lat: 30.2672, lon: -97.7431, zip: '787' },
  '713': { city: 'Houston', region: 'TX', lat: 29.7604, lon: -95.3698, zip: '770' },
  '617': { city: 'Boston', region: 'MA', lat: 42.3601, lon: -71.0589, zip: '021' },
  '702': { city: 'Las Vegas', region: 'NV', lat: 36.1699, lon: -115.1398, zip: '891' },
  '206': { city: 'Seattle', region: 'WA', lat: 47.6062, lon: -122.3321, zip: '981' },
  '303': { city: 'Denver', region: 'CO', lat: 39.7392, lon: -104.9903, zip: '802' },
  '404': { city: 'Atlanta', region: 'GA', lat: 33.749, lon: -84.388, zip: '303' },
};
const LOCAL_AREA_CODES = Object.keys(AREAS);
const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];
const fakerModule = lazyModule<typeof import('@faker-js/faker/locale/en_US')>('@faker-js/faker/locale/en_US', import.meta.url);

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
  const { faker } = fakerModule();
  faker.seed(createHash('sha256').update(seedText).digest().readUInt32BE(0));
  const digits = (q.contains ?? '').replace(/\D/g, '');
  const out: AvailableNumber[] = [];
  // A toll-free search in a local area code (or the reverse) finds nothing, as on Twilio.
  if (q.areaCode && (type === 'toll-free') !== TOLL_FREE.includes(q.areaCode)) return out;
  for (let i = 0; i < q.pageSize; i++) {
    const area = q.areaCode ?? faker.helpers.arrayElement(type === 'local' ? LOCAL_AREA_CODES : TOLL_FREE);
    let rest = String(faker.number.int({ min: 2, max: 9 })) + faker.string.numeric(6);
    if (digits && digits.length <= 7) rest = (digits + rest).slice(0, 7).padEnd(7, '0');
    const phone = `+1${area}${rest}`;
    const local = type === 'local';
    const place = AREAS[area];
    out.push({
      friendly_name: friendlyNumber(phone),
      phone_number: phone,
      lata: local ? String(faker.number.int({ min: 100, max: 999 })) : null,
      locality: local ? (place?.city ?? faker.location.city()) : null,
      rate_center: local ? (place?.city ?? faker.location.city()).toUpperCase().replace(/\s+/g, ' ').slice(0, 10) : null,
      latitude: local ? (place ? place.lat + faker.number.float({ min: -0.05, max: 0.05 }) : faker.location.latitude({ min: 25, max: 49 })).toFixed(6) : null,
      longitude: local ? (place ? place.lon + faker.number.float({ min: -0.05, max: 0.05 }) : faker.location.longitude({ min: -124, max: -67 })).toFixed(6) : null,
      region: local ? (place?.region ?? faker.location.state({ abbreviated: true })) : null,
      postal_code: local ? (place ? place.zip + faker.string.numeric(2) : faker.location.zipCode('#####')) : null,
      iso_country: 'US',
      address_requirements: 'none',
      beta: false,
      capabilities: { voice: true, SMS: true, MMS: true, fax: false },
    });
  }
  return out;
}
