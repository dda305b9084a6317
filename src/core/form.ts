/**
 * application/x-www-form-urlencoded and query-string parsing as vendors' servers do it:
 * repeated keys become arrays, '+' is a space, and a malformed percent-escape is kept
 * literally instead of failing the request.
 */

export type FormValues = Map<string, string[]>;

export function decodeComponent(s: string): string {
  if (s.indexOf('+') !== -1) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return decodeLenient(s);
  }
}

/** Decodes each valid UTF-8 escape run and leaves invalid escapes as they were. */
function decodeLenient(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
      return bytes.toString('utf8');
    }
  });
}

export function parseForm(input: string): FormValues {
  const out: FormValues = new Map();
  if (!input) return out;
  let start = 0;
  const n = input.length;
  while (start <= n) {
    let end = input.indexOf('&', start);
    if (end === -1) end = n;
    if (end > start) {
      const eq = input.indexOf('=', start);
      let k: string;
      let v: string;
      if (eq === -1 || eq > end) {
        k = decodeComponent(input.slice(start, end));
        v = '';
      } else {
        k = decodeComponent(input.slice(start, eq));
        v = decodeComponent(input.slice(eq + 1, end));
      }
      const prev = out.get(k);
      if (prev) prev.push(v);
      else out.set(k, [v]);
    }
    start = end + 1;
  }
  return out;
}

export function first(form: FormValues, key: string): string | undefined {
  const v = form.get(key);
  return v ? v[0] : undefined;
}

/** Vendors accept `true`, `True`, `TRUE` (Python SDKs send `True`). */
export function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  return undefined;
}
