/** The SASL and STARTTLS elements of RFC 6120 §5 and §6, as values. */
import type { SaslFailure, SaslStep } from '../../core/identity/sasl-authenticator.js';
import { type Element, el } from '../../xml/index.js';
import { NS_CHANNEL_BINDING, NS_SASL, NS_TLS } from '../namespaces.js';

/** RFC 6120 §5.3.1 / §5.4.1: `<required/>` when the server insists on TLS first. */
export const starttlsFeature = (isRequired: boolean): Element =>
  el('starttls', { xmlns: NS_TLS }, isRequired ? el('required') : undefined);

export const mechanismsFeature = (mechanisms: readonly string[]): Element =>
  el('mechanisms', { xmlns: NS_SASL }, ...mechanisms.map((m) => el('mechanism', m)));

/** XEP-0440: which channel-binding types the server supports. */
export const channelBindingFeature = (types: readonly string[]): Element =>
  el(
    'sasl-channel-binding',
    { xmlns: NS_CHANNEL_BINDING },
    ...types.map((type) => el('channel-binding', { type })),
  );

export const proceed = (): Element => el('proceed', { xmlns: NS_TLS });
export const tlsFailure = (): Element => el('failure', { xmlns: NS_TLS });

/**
 * RFC 6120 §6.4.2: base64 of the data; `=` for an empty response. Returns null for data that is
 * not base64 (answered with <incorrect-encoding/>, §6.5.2).
 */
export function decodeSaslData(text: string): Buffer | null {
  const value = text.trim();
  if (value === '' || value === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  return Buffer.from(value, 'base64');
}

const encode = (data: Buffer | null): string | undefined =>
  data === null ? undefined : data.length === 0 ? '=' : data.toString('base64');

export function saslStepElement(step: SaslStep): Element {
  switch (step.kind) {
    case 'challenge':
      return el('challenge', { xmlns: NS_SASL }, encode(step.data));
    case 'success':
      // §6.4.6: additional data with success, when the mechanism has some (SCRAM's server-final).
      return el('success', { xmlns: NS_SASL }, encode(step.data));
    case 'failure':
      return saslFailure(step.condition, step.text);
    default: {
      const never: never = step;
      return never;
    }
  }
}

export const saslFailure = (condition: SaslFailure, text?: string): Element =>
  el('failure', { xmlns: NS_SASL }, el(condition), text === undefined ? undefined : el('text', text));
