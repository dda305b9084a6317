/**
 * What Lookup v2 (and Verify's `lookup`) says about a phone number: validity and formats from
 * libphonenumber's metadata, line type and carrier by deterministic rules (the same number always
 * gets the same answer), caller names from faker seeded by the number.
 */
import { createHash } from 'node:crypto';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { lazyModule } from '../../src/core/index.js';

const phonelib = lazyModule<typeof import('libphonenumber-js/max')>('libphonenumber-js/max', import.meta.url);

export interface NumberInfo {
  valid: boolean;
  /** E.164 when it parses, else the input as received. */
  phone_number: string;
  calling_country_code: string | null;
  country_code: string | null;
  national_format: string | null;
  validation_errors: string[] | null;
  /** libphonenumber's type, when the metadata knows it. */
  type: NumberType;
}

export function isCountry(c: string): boolean {
  return /^[A-Z]{2}$/.test(c) && phonelib().isSupportedCountry(c as CountryCode);
}

/** Parses a number in E.164 or in the national format of `country` (default US). */
export function analyzeNumber(raw: string, country = 'US'): NumberInfo {
  const input = raw.trim();
  const def = country as CountryCode;
  const p = phonelib().parsePhoneNumberFromString(input, def);
  if (p && p.isValid()) {
    return {
      valid: true,
      phone_number: p.number,
      calling_country_code: p.countryCallingCode,
      country_code: p.country ?? null,
      national_format: p.formatNational(),
      validation_errors: null,
      type: p.getType(),
    };
  }
  const length = phonelib().validatePhoneNumberLength(input, def);
  let error: string;
  if (length === 'INVALID_COUNTRY') error = 'INVALID_COUNTRY_CODE';
  else if (length) error = length;
  else if (!p) error = 'NOT_A_NUMBER';
  else error = 'INVALID_BUT_POSSIBLE';
  return {
    valid: false,
    phone_number: p?.number ?? input,
    calling_country_code: null,
    country_code: null,
    national_format: null,
    validation_errors: [error],
    type: undefined,
  };
}

function hash(e164: string, salt: string): number {
  return createHash('sha256').update(salt + e164).digest().readUInt32BE(0);
}

export interface LineType {
  carrier_name: string | null;
  error_code: number | null;
  mobile_country_code: string | null;
  mobile_network_code: string | null;
  type: string | null;
}

type Carrier = [name: string, mcc: string | null, mnc: string | null];

const MOBILE: Record<string, Carrier[]> = {
  US: [
    ['T-Mobile USA, Inc.', '310', '260'],
    ['Verizon Wireless', '311', '480'],
    ['AT&T Wireless', '310', '410'],
  ],
  CA: [
    ['Rogers Communications Canada Inc. (Wireless)', '302', '720'],
    ['Bell Mobility', '302', '610'],
    ['TELUS Communications Inc.', '302', '220'],
  ],
  GB: [
    ['EE Limited', '234', '30'],
    ['Vodafone UK', '234', '15'],
    ['Telefonica UK (O2)', '234', '10'],
    ['Hutchison 3G UK', '234', '20'],
  ],
  FR: [
    ['Orange France', '208', '01'],
    ['SFR', '208', '10'],
    ['Bouygues Telecom', '208', '20'],
  ],
  DE: [
    ['Telekom Deutschland GmbH', '262', '01'],
    ['Vodafone GmbH', '262', '02'],
    ['Telefonica Germany', '262', '03'],
  ],
  ES: [
    ['Telefonica Moviles Espana', '214', '07'],
    ['Vodafone Spain', '214', '01'],
    ['Orange Spain', '214', '03'],
  ],
  IT: [
    ['TIM', '222', '01'],
    ['Vodafone Italia', '222', '10'],
    ['WindTre', '222', '88'],
  ],
  AU: [
    ['Telstra', '505', '01'],
    ['Optus', '505', '02'],
    ['Vodafone Australia', '505', '03'],
  ],
  IN: [
    ['Reliance Jio Infocomm Ltd', '405', '857'],
    ['Bharti Airtel', '404', '10'],
    ['Vodafone Idea', '404', '20'],
  ],
  MX: [
    ['Telcel', '334', '020'],
    ['AT&T Mexico', '334', '050'],
  ],
  BR: [
    ['Claro Brasil', '724', '05'],
    ['Vivo', '724', '06'],
    ['TIM Brasil', '724', '02'],
  ],
};

const LANDLINE: Record<string, string[]> = {
  US: ['AT&T Services, Inc.', 'Verizon New York Inc.', 'Lumen Technologies', 'Frontier Communications'],
  CA: ['Bell Canada', 'TELUS Communications Inc.'],
  GB: ['BT Group plc', 'Virgin Media'],
};

const VOIP: Carrier[] = [
  ['Twilio - SMS/MMS-SVR', '240', '38'],
  ['Bandwidth/13 - Bandwidth.com - SVR', null, null],
  ['Google (Grand Central) BWI - Bandwidth.com - SVR', null, null],
];

const TYPES: Partial<Record<NonNullable<NumberType>, string>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  TOLL_FREE: 'tollFree',
  VOIP: 'nonFixedVoip',
  PREMIUM_RATE: 'premium',
  SHARED_COST: 'sharedCost',
  PERSONAL_NUMBER: 'personal',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/** Numbers with a fixed answer: Twilio's documentation examples and test numbers. */
const MAGIC: Record<string, { line: LineType; caller?: CallerName }> = {
  '+14159929960': {
    line: { carrier_name: 'Twilio - SMS/MMS-SVR', error_code: null, mobile_country_code: '240', mobile_network_code: '38', type: 'nonFixedVoip' },
    caller: { caller_name: 'Sergio Suarez', caller_type: 'CONSUMER', error_code: null },
  },
  '+15005550006': {
    line: { carrier_name: 'Twilio - SMS/MMS-SVR', error_code: null, mobile_country_code: '240', mobile_network_code: '38', type: 'nonFixedVoip' },
  },
  '+15005550009': {
    line: { carrier_name: 'AT&T Services, Inc.', error_code: null, mobile_country_code: null, mobile_network_code: null, type: 'landline' },
  },
};

/** Line type intelligence of a valid number. */
export function lineTypeOf(info: NumberInfo): LineType {
  const magic = MAGIC[info.phone_number];
  if (magic) return { ...magic.line };
  const h = hash(info.phone_number, 'line');
  let type = info.type ? TYPES[info.type] : undefined;
  if (!type) {
    const b = h % 100;
    type = b < 60 ? 'mobile' : b < 82 ? 'landline' : b < 95 ? 'nonFixedVoip' : 'fixedVoip';
  }
  const country = info.country_code ?? '';
  const pick = <T>(list: T[]) => list[(h >>> 8) % list.length];
  if (type === 'mobile') {
    const list = MOBILE[country];
    if (!list) return { carrier_name: null, error_code: null, mobile_country_code: null, mobile_network_code: null, type };
    const [name, mcc, mnc] = pick(list);
    return { carrier_name: name, error_code: null, mobile_country_code: mcc, mobile_network_code: mnc, type };
  }
  if (type === 'nonFixedVoip' && (country === 'US' || country === 'CA')) {
    const [name, mcc, mnc] = pick(VOIP);
    return { carrier_name: name, error_code: null, mobile_country_code: mcc, mobile_network_code: mnc, type };
  }
  const landline = LANDLINE[country];
  return {
    carrier_name: landline && (type === 'landline' || type === 'fixedVoip') ? pick(landline) : null,
    error_code: null,
    mobile_country_code: null,
    mobile_network_code: null,
    type,
  };
}

export interface CallerName {
  caller_name: string | null;
  caller_type: string | null;
  error_code: number | null;
}

type FakerModule = typeof import('@faker-js/faker/locale/en_US');
let fakerLoad: Promise<FakerModule> | undefined;

/** CNAM covers North American numbers only; elsewhere Twilio answers error 60600. */
export async function callerNameOf(info: NumberInfo): Promise<CallerName> {
  const magic = MAGIC[info.phone_number]?.caller;
  if (magic) return { ...magic };
  if (info.calling_country_code !== '1') return { caller_name: null, caller_type: null, error_code: 60600 };
  const h = hash(info.phone_number, 'cnam');
  const b = h % 100;
  if (b >= 92) return { caller_name: null, caller_type: 'UNDETERMINED', error_code: null };
  const { faker } = await (fakerLoad ??= import('@faker-js/faker/locale/en_US'));
  faker.seed(h);
  if (b < 72) return { caller_name: `${faker.person.firstName()} ${faker.person.lastName()}`, caller_type: 'CONSUMER', error_code: null };
  return { caller_name: faker.company.name(), caller_type: 'BUSINESS', error_code: null };
}
