/**
 * The saxes tokenizer set up for restricted XML — RFC 6120 §11.1, XML 1.0 §4.6 (predefined entities).
 * https://www.rfc-editor.org/rfc/rfc6120#section-11.1
 */
import { SaxesParser } from 'saxes';

// Namespaces are tracked by the reader, not saxes: names keep their prefixes as written and
// elements that declare nothing share a scope. Line/column tracking is off: it costs per character.
const SAXES_OPTIONS = {
  xmlns: false,
  position: false,
  defaultXMLVersion: '1.0',
  forceXMLVersion: true,
} as const;

export type RestrictedSaxes = SaxesParser<typeof SAXES_OPTIONS>;

// RFC 6120 §11.1: only the five predefined entities may be referenced.
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
  }),
);

function isPredefined(name: string): boolean {
  return Object.hasOwn(PREDEFINED_ENTITIES, name);
}

// saxes's on() stores each handler with a keyed store (`this[name] = handler`); V8 turns an object
// that gains more than a few properties that way into a slow dictionary, and the tokenizer then
// runs ~5x slower. Creating the slots with plain stores in the constructor keeps its shape fast.
// (The names are saxes 6's; if they ever change this only costs speed, never correctness.)
type HandlerSlot =
  | 'xmldeclHandler'
  | 'textHandler'
  | 'piHandler'
  | 'doctypeHandler'
  | 'commentHandler'
  | 'openTagStartHandler'
  | 'openTagHandler'
  | 'closeTagHandler'
  | 'cdataHandler'
  | 'errorHandler'
  | 'endHandler'
  | 'readyHandler'
  | 'attributeHandler';

class FastShapeSaxesParser extends SaxesParser<typeof SAXES_OPTIONS> {
  constructor() {
    super(SAXES_OPTIONS);
    const slots = this as unknown as Record<HandlerSlot, undefined>;
    slots.xmldeclHandler = undefined;
    slots.textHandler = undefined;
    slots.piHandler = undefined;
    slots.doctypeHandler = undefined;
    slots.commentHandler = undefined;
    slots.openTagStartHandler = undefined;
    slots.openTagHandler = undefined;
    slots.closeTagHandler = undefined;
    slots.cdataHandler = undefined;
    slots.errorHandler = undefined;
    slots.endHandler = undefined;
    slots.readyHandler = undefined;
    slots.attributeHandler = undefined;
  }
}

/**
 * An entity table that knows only the predefined five. saxes looks every named reference up there
 * (it never reads a DTD's declarations), so `onUnknownEntity` runs just before saxes reports the
 * reference — which is then restricted XML, not a typo.
 */
export function restrictedEntityTable(onUnknownEntity: () => void): Record<string, string> {
  return new Proxy(PREDEFINED_ENTITIES, {
    get: (table, name) => {
      if (typeof name !== 'string') return undefined;
      if (isPredefined(name)) return table[name];
      onUnknownEntity();
      return undefined;
    },
  });
}

/**
 * A saxes parser for XML 1.0 using `entities`. saxes replaces its table when it finishes a
 * document, so whoever reuses the parser sets `ENTITIES` again.
 */
export function createRestrictedSaxes(entities: Record<string, string>): RestrictedSaxes {
  const saxes = new FastShapeSaxesParser();
  saxes.ENTITIES = entities;
  return saxes;
}
