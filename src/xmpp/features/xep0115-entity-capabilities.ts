/**
 * XEP-0115: Entity Capabilities — https://xmpp.org/extensions/xep-0115.html — what a presence
 * says a client can do (§4), the verification string and hash of a disco#info result (§5.1),
 * and the checks a processing entity makes before trusting it (§5.4).
 */
import { hash as digestOf } from 'node:crypto';
import type { Element } from '../../xml/index.js';
import { NS_DISCO_INFO } from '../namespaces.js';
import { formTypeOf, NS_DATA_FORMS, parseDataForm } from './xep0004-data-forms.js';

export const NS_CAPS = 'http://jabber.org/protocol/caps';

export interface EntityCaps {
  /** §4: the hash function, as named in the IANA registry ("sha-1"). */
  readonly hash: string;
  /** §4: the client's software, a URI. */
  readonly node: string;
  /** §4: the verification string's hash, base64. */
  readonly ver: string;
}

/** Hash names of the IANA "Hash Function Textual Names" registry that Node computes. */
const HASHES: Readonly<Record<string, string>> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/**
 * The caps a presence carries; null without them, or in the legacy format without 'hash'
 * (§1.2), which cannot be verified.
 */
export function capsOf(presence: Element | null): EntityCaps | null {
  const c = presence?.getChild('c', NS_CAPS);
  const hash = c?.attr('hash');
  const node = c?.attr('node');
  const ver = c?.attr('ver');
  if (!hash || !node || !ver) return null; // §4: all three are REQUIRED
  return { hash, node, ver };
}

/** "i;octet" order of §5.1: UTF-8 bytes. */
const octets = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const hasDuplicates = (values: readonly string[]): boolean => new Set(values).size !== values.length;

/**
 * §5.1: the verification string of a disco#info `<query/>`; null when §5.4 calls the response
 * ill-formed (a repeated identity, feature or FORM_TYPE, or a FORM_TYPE with differing values).
 */
export function verificationString(info: Element): string | null {
  const identities = info.getChildren('identity', NS_DISCO_INFO).map((identity) =>
    // §5.1 step 3: category/type/lang/name, the empty string for what is absent.
    [identity.attr('category'), identity.attr('type'), identity.attr('xml:lang'), identity.attr('name')]
      .map((part) => part ?? '')
      .join('/'),
  );
  const features = info.getChildren('feature', NS_DISCO_INFO).map((feature) => feature.attr('var') ?? '');
  if (hasDuplicates(identities) || hasDuplicates(features)) return null; // §5.4 steps 3.3, 3.4
  const forms: { type: string; text: string }[] = [];
  for (const x of info.getChildren('x', NS_DATA_FORMS)) {
    const form = parseDataForm(x);
    const formTypeField = form.fields.find((field) => field.var === 'FORM_TYPE');
    // §5.4 step 3.6: a form whose FORM_TYPE is not hidden is ignored (as is one without).
    if (formTypeField?.type !== 'hidden') continue;
    if (new Set(formTypeField.values).size > 1) return null; // §5.4 step 3.5
    const type = formTypeOf(form) ?? '';
    const fields = form.fields
      .filter((field) => field.var !== 'FORM_TYPE')
      .sort((a, b) => octets(a.var, b.var))
      .map((field) => [field.var, ...[...field.values].sort(octets)].map((part) => `${part}<`).join(''));
    forms.push({ type, text: `${type}<${fields.join('')}` });
  }
  if (hasDuplicates(forms.map((form) => form.type))) return null; // §5.4 step 3.5
  return [
    ...identities.sort(octets).map((identity) => `${identity}<`),
    ...features.sort(octets).map((feature) => `${feature}<`),
    ...forms.sort((a, b) => octets(a.type, b.type)).map((form) => form.text),
  ].join('');
}

/** §5.1 step 9: the base64 hash of the verification string; null for a hash function not offered here. */
export function capsHash(hash: string, verification: string): string | null {
  const algorithm = HASHES[hash];
  return algorithm ? digestOf(algorithm, verification, 'base64') : null;
}

/** §5.4 step 3.7: whether a disco#info result is the one the caps' ver was made from. */
export function verifiesCaps(caps: EntityCaps, info: Element): boolean {
  const verification = verificationString(info);
  return verification !== null && capsHash(caps.hash, verification) === caps.ver;
}

/** The features a disco#info `<query/>` lists. */
export function discoFeatures(info: Element): ReadonlySet<string> {
  return new Set(info.getChildren('feature', NS_DISCO_INFO).map((feature) => feature.attr('var') ?? ''));
}
