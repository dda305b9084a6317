import express, { type NextFunction, type Request, type Response } from 'express';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Cookie set by the login form; it holds an HMAC of the token, never the token itself. */
export const INSPECT_COOKIE = 'provider_sim_inspect';

/** Equal strings, compared in constant time (both sides hashed first, so lengths do not leak). */
function same(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained login page (no outside assets). */
function loginPage(message?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>provider-sim inspect: sign in</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);min-width:18rem}
h1{font-size:1.1rem;margin:0 0 1rem}
label{display:block;font-size:.9rem;margin-bottom:.3rem}
input{width:100%;box-sizing:border-box;padding:.5rem;margin-bottom:1rem;font-size:1rem}
button{padding:.5rem 1rem;font-size:1rem}
.error{color:#b00020;font-size:.9rem;margin:0 0 1rem}
</style>
</head>
<body>
<form method="post" action="/__inspect/login">
<h1>provider-sim inspect API</h1>
${message ? `<p class="error">${escapeHtml(message)}</p>\n` : ''}<label for="token">Inspect token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}

function wantsHtml(req: Request): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/html') && !accept.includes('text/event-stream');
}

function deny(req: Request, res: Response, message: string): void {
  res.setHeader('www-authenticate', 'Bearer realm="provider-sim inspect"');
  res.setHeader('cache-control', 'no-store');
  if (wantsHtml(req)) {
    res.status(401).type('html').send(loginPage(req.method === 'POST' ? message : undefined));
    return;
  }
  res.status(401).json({ error: { code: 'unauthorized', message } });
}

/**
 * Guards /__inspect with a token: `Authorization: Bearer <token>`, `?token=<token>` (for
 * EventSource, which cannot send headers), or the HttpOnly cookie that `POST /__inspect/login`
 * sets. Mounted before every inspect route.
 */
export function inspectAuth(token: string): express.Router {
  const session = createHmac('sha256', token).update('provider-sim inspect session').digest('base64url');
  const r = express.Router();

  const authorized = (req: Request): boolean => {
    const auth = String(req.headers.authorization ?? '');
    if (/^bearer /i.test(auth) && same(auth.slice(7).trim(), token)) return true;
    const q = req.query.token;
    if (typeof q === 'string' && same(q, token)) return true;
    const c = cookieOf(req, INSPECT_COOKIE);
    return c !== undefined && same(c, session);
  };

  r.get('/login', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.status(200).type('html').send(loginPage());
  });

  r.post('/login', express.urlencoded({ extended: false, limit: '8kb' }), express.json({ limit: '8kb' }), (req, res) => {
    const given = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof given !== 'string' || !same(given, token)) return deny(req, res, 'wrong token');
    res.setHeader('set-cookie', `${INSPECT_COOKIE}=${session}; Path=/__inspect; HttpOnly; SameSite=Strict`);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('location', '/__inspect');
    res.status(303).end();
  });

  r.use((req: Request, res: Response, next: NextFunction) => {
    // The inbox's script and style sheet hold no data: the page itself is what needs the token.
    if (req.method === 'GET' && req.path.startsWith('/ui/')) return next();
    if (authorized(req)) {
      // A browser opening /__inspect?token=... gets the session cookie, so the inbox's own
      // requests (frames, downloads, audio) are signed in too.
      if (wantsHtml(req) && typeof req.query.token === 'string' && cookieOf(req, INSPECT_COOKIE) !== session) {
        res.setHeader('set-cookie', `${INSPECT_COOKIE}=${session}; Path=/__inspect; HttpOnly; SameSite=Strict`);
      }
      return next();
    }
    deny(req, res, 'this inspect API needs its token: Authorization: Bearer <token>, ?token=, or sign in at /__inspect/login');
  });
  return r;
}
