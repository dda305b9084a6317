/**
 * A tiny route table: patterns like `/2010-04-01/Accounts/:AccountSid/Messages/:Sid.json`
 * compiled once to regular expressions. Parameters are decoded once.
 */

export interface RouteDef<H> {
  method: string;
  pattern: string;
  operation: string;
  handler: H;
}

export interface CompiledRoute<H> extends RouteDef<H> {
  regex: RegExp;
  names: string[];
}

export interface RouteMatch<H> {
  route: CompiledRoute<H>;
  params: Record<string, string>;
}

export class RouteTable<H> {
  private readonly routes: CompiledRoute<H>[];

  constructor(defs: RouteDef<H>[]) {
    this.routes = defs.map((d) => {
      const names: string[] = [];
      const src = d.pattern
        .split(/(:[A-Za-z][A-Za-z0-9]*)/)
        .map((part) => {
          if (part.startsWith(':')) {
            names.push(part.slice(1));
            return '([^/]+?)';
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { ...d, regex: new RegExp('^' + src + '$'), names };
    });
  }

  /**
   * Finds the route for a method and raw path. `methodMismatch` tells whether the path
   * exists under another method (vendors answer 405 or their not-found error for those).
   */
  match(method: string, path: string): { found?: RouteMatch<H>; pathExists: boolean } {
    let pathExists = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathExists = true;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < r.names.length; i++) params[r.names[i]] = safeDecode(m[i + 1]);
      return { found: { route: r, params }, pathExists };
    }
    return { pathExists };
  }
}

function safeDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
