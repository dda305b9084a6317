import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

type RequestOptions<T> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: T };

export const newAccountSid = () => 'AC' + randomBytes(16).toString('hex');
export const newKeySid = () => 'SK' + randomBytes(16).toString('hex');

export interface Recorded {
  method: string;
  url: string;
  status: number;
  body: unknown;
}

/**
 * The HTTP client a user passes to twilio-node: it rewrites https://{product}.twilio.com/P to
 * BASE/P for api.twilio.com and BASE/{product}/P for the other products. It runs after the
 * SDK's own region/edge rewriting, so TWILIO_REGION does not break it.
 */
export class SimRequestClient extends twilio.RequestClient {
  readonly recorded: Recorded[] = [];

  constructor(private readonly base: string) {
    super();
  }

  override async request<TData>(opts: RequestOptions<TData>) {
    const m = /^https:\/\/([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com(\/.*)?$/.exec(opts.uri);
    if (m) opts.uri = (m[1] === 'api' ? this.base : `${this.base}/${m[1]}`) + (m[2] ?? '');
    const res = await super.request<TData>(opts);
    this.recorded.push({ method: opts.method.toUpperCase(), url: opts.uri, status: res.statusCode, body: res.body });
    return res;
  }
}

export function twilioClient(base: string, username: string, password: string, accountSid?: string) {
  const httpClient = new SimRequestClient(base);
  const client = twilio(username, password, { httpClient, accountSid });
  return { client, httpClient };
}

/** A Messaging Service with one number in its sender pool, made through the SDK as an app would. */
export async function messagingService(client: ReturnType<typeof twilioClient>['client'], phoneNumber: string): Promise<string> {
  const number = await client.incomingPhoneNumbers.create({ phoneNumber });
  const service = await client.messaging.v1.services.create({ friendlyName: 'Listings' });
  await client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number.sid });
  return service.sid;
}
