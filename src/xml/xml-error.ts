/**
 * Why XML input was refused — the conditions of RFC 6120 §11 (XML Usage), which other protocols reuse.
 * https://www.rfc-editor.org/rfc/rfc6120#section-11
 */

/**
 * - `restricted-xml`: a feature XMPP forbids — comment, processing instruction, DTD, an entity
 *   reference other than the five predefined ones (RFC 6120 §11.1, §4.9.3.18);
 * - `not-well-formed`: breaks XML 1.0 or Namespaces in XML (§11.3, §4.9.3.13);
 * - `policy-violation`: over a configured limit — size, depth, attribute count (§4.9.3.14);
 * - `unsupported-encoding`: not UTF-8, or broken UTF-8 (§11.6, §4.9.3.22).
 */
export type XmlErrorCondition =
  | 'restricted-xml'
  | 'not-well-formed'
  | 'policy-violation'
  | 'unsupported-encoding';

/** A refusal, as a value: the condition and a short human-readable reason. */
export interface XmlError {
  readonly condition: XmlErrorCondition;
  readonly text: string;
}

/** Is this parse result an error rather than an element? */
export function isXmlError(value: unknown): value is XmlError {
  return typeof value === 'object' && value !== null && 'condition' in value && 'text' in value;
}
