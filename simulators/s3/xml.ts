import { BodyTooLargeError, lazy, lazyModule, type SimRequest } from '../../src/core/index.js';
import { errors } from './errors.js';

const ARRAYS = new Set(['Object', 'Part', 'CORSRule', 'Tag', 'AllowedMethod', 'AllowedOrigin', 'AllowedHeader', 'ExposeHeader']);

const xml = lazyModule<typeof import('fast-xml-parser')>('fast-xml-parser', import.meta.url);

// Built on first use, not at boot.
const parser = lazy(() => new (xml().XMLParser)({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  isArray: (name) => ARRAYS.has(name),
}));

export type XmlNode = { [k: string]: XmlNode | XmlNode[] | string | undefined };

/** Reads and parses a small XML request body (configuration documents, Delete, Complete...). */
export async function readXml(req: SimRequest, limit = 2 * 1024 * 1024): Promise<{ doc: XmlNode; raw: Buffer }> {
  let raw: Buffer;
  try {
    raw = await req.body.bytes(limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw errors.malformedXml();
    throw e;
  }
  return { doc: parseXml(raw.toString('utf8')), raw };
}

export function parseXml(text: string): XmlNode {
  if (text.trim() === '') throw errors.malformedXml();
  try {
    const doc = parser().parse(text, true) as XmlNode;
    if (!doc || typeof doc !== 'object' || Object.keys(doc).length === 0) throw errors.malformedXml();
    return doc;
  } catch {
    throw errors.malformedXml();
  }
}

export function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = n?.[name];
  if (v === undefined || typeof v === 'string') return v === '' ? {} : undefined;
  return Array.isArray(v) ? v[0] : v;
}

export function children(n: XmlNode | undefined, name: string): XmlNode[] {
  const v = n?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? ({ '#text': x } as XmlNode) : x));
}

export function text(n: XmlNode | undefined, name: string): string | undefined {
  const v = n?.[name];
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof first['#text'] === 'string') return first['#text'] as string;
  return '';
}

export function texts(n: XmlNode | undefined, name: string): string[] {
  const v = n?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : typeof x?.['#text'] === 'string' ? (x['#text'] as string) : ''));
}
