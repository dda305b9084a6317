import type Handlebars from 'handlebars';
import { lazy, lazyModule } from '../../src/core/index.js';

/**
 * Dynamic template rendering as SendGrid does it: Handlebars with SendGrid's helpers
 * (equals, notEquals, greaterThan, lessThan, and, or, length, formatDate, insert) on top of
 * the built-in if/else/unless/each/with.
 */
const handlebars = lazyModule<typeof import('handlebars')>('handlebars', import.meta.url);
type Options = Handlebars.HelperOptions;

/** The Handlebars environment with SendGrid's helpers, built on first render (not at boot). */
const engine = lazy(() => {
  const hb = handlebars().create();
  registerHelpers(hb);
  return hb;
});

function isOptions(x: unknown): x is Options {
  return typeof x === 'object' && x !== null && 'fn' in x && 'inverse' in x && 'hash' in x;
}

/** A comparison helper usable as a block (`{{#equals a b}}..{{else}}..{{/equals}}`) or inline. */
function block(test: (a: unknown, b: unknown) => boolean) {
  return function (this: unknown, a: unknown, b: unknown, options: unknown) {
    const ok = test(a, b);
    if (isOptions(options)) return ok ? options.fn(this) : options.inverse(this);
    return ok;
  };
}

const truthy = (x: unknown) => (Array.isArray(x) ? x.length > 0 : Boolean(x));

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('equals', block((a, b) => a == b || String(a) === String(b)));
  hb.registerHelper('notEquals', block((a, b) => !(a == b || String(a) === String(b))));
  hb.registerHelper('greaterThan', block((a, b) => Number(a) > Number(b)));
  hb.registerHelper('lessThan', block((a, b) => Number(a) < Number(b)));
  hb.registerHelper('and', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as Options;
    const ok = args.length > 0 && args.every(truthy);
    return options.fn ? (ok ? options.fn(this) : options.inverse(this)) : ok;
  });
  hb.registerHelper('or', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as Options;
    const ok = args.some(truthy);
    return options.fn ? (ok ? options.fn(this) : options.inverse(this)) : ok;
  });
  hb.registerHelper('length', (x: unknown) => {
    if (Array.isArray(x) || typeof x === 'string') return x.length;
    if (x && typeof x === 'object') return Object.keys(x).length;
    return 0;
  });
  hb.registerHelper('insert', function (this: unknown, value: unknown, ...rest: unknown[]) {
    const options = rest.pop() as Options;
    if (value !== undefined && value !== null && value !== '') return value;
    const spec = typeof rest[0] === 'string' ? rest[0] : typeof options.hash?.default === 'string' ? `default=${options.hash.default}` : '';
    const m = /^default=(.*)$/s.exec(spec);
    return m ? m[1] : '';
  });
  hb.registerHelper('formatDate', (value: unknown, format: unknown, ...rest: unknown[]) => {
    rest.pop();
    const offset = typeof rest[0] === 'string' ? rest[0] : undefined;
    return formatDate(value, typeof format === 'string' ? format : 'YYYY-MM-DDTHH:mm:ssZ', offset);
  });
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** SendGrid's formatDate: moment-style tokens, optional timezone offset such as "-0800". */
export function formatDate(value: unknown, format: string, offset?: string): string {
  let t: number;
  if (typeof value === 'number') t = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d+$/.test(value)) t = Number(value) * (value.length <= 10 ? 1000 : 1);
  else t = Date.parse(String(value));
  if (!Number.isFinite(t)) return String(value ?? '');
  let offMin = 0;
  const om = offset ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset) : null;
  if (om) offMin = (om[1] === '-' ? -1 : 1) * (Number(om[2]) * 60 + Number(om[3]));
  const d = new Date(t + offMin * 60_000);
  const Y = d.getUTCFullYear();
  const M = d.getUTCMonth();
  const D = d.getUTCDate();
  const H = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  const h12 = H % 12 === 0 ? 12 : H % 12;
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  const tokens: Record<string, string> = {
    YYYY: String(Y),
    YY: pad(Y % 100),
    MMMM: MONTHS[M],
    MMM: MONTHS[M].slice(0, 3),
    MM: pad(M + 1),
    M: String(M + 1),
    DD: pad(D),
    D: String(D),
    dddd: DAYS[d.getUTCDay()],
    ddd: DAYS[d.getUTCDay()].slice(0, 3),
    HH: pad(H),
    H: String(H),
    hh: pad(h12),
    h: String(h12),
    mm: pad(m),
    m: String(m),
    ss: pad(s),
    s: String(s),
    A: H < 12 ? 'AM' : 'PM',
    a: H < 12 ? 'am' : 'pm',
    ZZ: `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`,
    Z: `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
  };
  return format.replace(/\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a|ZZ|Z/g, (tok, literal) =>
    literal !== undefined ? literal : tokens[tok],
  );
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders a dynamic template source; `escape` is off for subjects and plain text. */
export function renderDynamic(source: string, data: unknown, escape: boolean): string {
  const key = (escape ? 'h:' : 't:') + source;
  let tpl = cache.get(key);
  if (!tpl) {
    tpl = engine().compile(source, { noEscape: !escape });
    if (cache.size > 1000) cache.clear();
    cache.set(key, tpl);
  }
  return tpl(data ?? {});
}

/** Checks that a template source compiles; returns the parse error message if not. */
export function templateError(source: string): string | undefined {
  try {
    engine().precompile(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Legacy substitutions: every key replaced by its value, longest keys first. */
export function substitute(text: string, subs: Record<string, string> | undefined): string {
  if (!subs) return text;
  const keys = Object.keys(subs).filter((k) => k !== '').sort((a, b) => b.length - a.length);
  if (keys.length === 0) return text;
  const re = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return text.replace(re, (k) => subs[k]);
}
