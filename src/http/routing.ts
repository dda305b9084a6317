import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderName } from '../core/index.js';

/** Twilio products served under a prefix named after their host (verify.twilio.com -> /verify). */
export const TWILIO_PREFIXES = ['/verify/', '/lookups/', '/messaging/', '/2010-04-01/'];

function hasAwsQueryAuth(query: string): boolean {
  return /(?:^|&)(?:X-Amz-Signature|AWSAccessKeyId)=/.test(query);
}

/**
 * Which vendor owns a request on the one shared port: first by the credentials' scheme
 * (AWS signatures -> S3, Basic -> Twilio, Bearer -> SendGrid), then by path.
 */
export function providerFor(path: string, query: string, headers: IncomingHttpHeaders): ProviderName {
  const auth = headers.authorization;
  if (auth) {
    if (auth.startsWith('AWS4-HMAC-SHA256 ') || auth.startsWith('AWS ')) return 's3';
    const space = auth.indexOf(' ');
    const scheme = (space === -1 ? auth : auth.slice(0, space)).toLowerCase();
    if (scheme === 'basic') return 'twilio';
    if (scheme === 'bearer') return 'sendgrid';
  }
  if (query && hasAwsQueryAuth(query)) return 's3';
  for (const p of TWILIO_PREFIXES) if (path.startsWith(p)) return 'twilio';
  if (path === '/v3' || path.startsWith('/v3/')) return 'sendgrid';
  return 's3';
}
