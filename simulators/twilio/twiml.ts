import { lazy, lazyModule } from '../../src/core/index.js';

const xml = lazyModule<typeof import('fast-xml-parser')>('fast-xml-parser', import.meta.url);

/** One verb of a TwiML document, in document order. */
export interface TwimlVerb {
  name: string;
  attrs: Record<string, string>;
  /** Direct text content. */
  text: string;
  children: TwimlVerb[];
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = lazy(() => new (xml().XMLParser)({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
}));

function convert(nodes: Node[]): TwimlVerb[] {
  const out: TwimlVerb[] = [];
  for (const n of nodes) {
    const name = Object.keys(n).find((k) => k !== ':@');
    if (!name || name === '#text' || name.startsWith('?')) continue;
    const kids = (n[name] as Node[]) ?? [];
    out.push({
      name,
      attrs: n[':@'] ?? {},
      text: kids
        .filter((k) => '#text' in k)
        .map((k) => String(k['#text']))
        .join(''),
      children: convert(kids),
    });
  }
  return out;
}

/**
 * Parses the TwiML an app answered with. An empty body means "do nothing", as on Twilio;
 * anything that is not a `<Response>` document is a parse failure (Twilio's error 12100).
 */
export function parseTwiml(body: string): { verbs: TwimlVerb[] } | { error: string } {
  const text = body.trim();
  if (text === '') return { verbs: [] };
  const valid = xml().XMLValidator.validate(text);
  if (valid !== true) return { error: `Document parse failure: ${valid.err.msg}` };
  const root = convert(parser().parse(text) as Node[]);
  const response = root.find((v) => v.name === 'Response');
  if (!response) return { error: 'Document parse failure: the root element must be <Response>' };
  return { verbs: response.children };
}
