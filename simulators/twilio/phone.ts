/** Address rules for Messaging: E.164 numbers, channel addresses, short codes, sender IDs. */

const CHANNEL = /^(whatsapp|messenger|rcs|fbm):/i;
const E164 = /^\+?[1-9]\d{6,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHA_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** Strips the separators people type ("+1 (555) 010-0199"). */
export function normalizeNumber(raw: string): string {
  const m = CHANNEL.exec(raw);
  const prefix = m ? m[0].toLowerCase() : '';
  const rest = raw.slice(prefix.length).trim();
  return prefix + (/^[+\d\s().-]+$/.test(rest) ? rest.replace(/[\s().-]/g, '') : rest);
}

export function isValidTo(n: string): boolean {
  const rest = n.replace(CHANNEL, '');
  if (CHANNEL.test(n) && !/^whatsapp:/i.test(n)) return rest.length > 0;
  return E164.test(rest);
}

export function isValidFrom(n: string): boolean {
  const rest = n.replace(CHANNEL, '');
  if (CHANNEL.test(n)) return /^whatsapp:/i.test(n) ? E164.test(rest) : rest.length > 0;
  return E164.test(rest) || SHORT_CODE.test(rest) || ALPHA_SENDER.test(rest);
}

// GSM 03.38 basic set and the extension table (characters that take two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXT = new Set(GSM_EXT);

/** SMS segments: GSM-7 160/153 septets, otherwise UCS-2 70/67 code units. */
export function countSegments(body: string): number {
  if (body.length === 0) return 1;
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXT.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

const MEDIA_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  vcf: 'text/vcard',
  txt: 'text/plain',
  csv: 'text/csv',
  ics: 'text/calendar',
};

/** Content type of a MediaUrl, from its file extension (the simulator does not fetch it). */
export function mediaContentType(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // keep the raw string
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) || 'image/jpeg';
}
