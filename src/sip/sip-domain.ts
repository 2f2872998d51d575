/**
 * The SIP domain Herald serves, and the hosts that name it. RFC 3261 §10.3 step 1 (a registrar
 * serves the domains it is responsible for), §16.4 and §16.5 (a proxy acts for the Request-URIs
 * of its domain) leave to the server which hosts those are. Phones provisioned with the server's
 * address put that address where the domain goes (Cisco's do by default: sip:1000@10.1.1.1), so
 * besides the domain and the configured aliases (`sip-core.domainAliases`) this host's own
 * addresses name it too, as Kamailio's listen addresses do (`auto_aliases`).
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3
 */
import { networkInterfaces } from 'node:os';
import { serviceKey } from '../kernel/services.js';

export interface SipDomainHosts {
  /** The domain itself, as configured: what Herald puts in the addresses it makes. */
  readonly name: string;
  /** Other names of the domain (any port). */
  readonly aliases: readonly string[];
  /** This server's own addresses (their SIP ports only, or none given). */
  readonly addresses: readonly string[];
  /** The ports Herald's SIP listeners are bound to (known once they listen). */
  readonly ports: () => readonly number[];
}

export class SipDomain {
  readonly name: string;
  readonly #names: ReadonlySet<string>;
  readonly #addresses: ReadonlySet<string>;
  readonly #ports: () => readonly number[];

  constructor(hosts: SipDomainHosts) {
    this.name = hosts.name;
    this.#names = new Set([comparableHost(hosts.name), ...hosts.aliases.map(comparableHost)]);
    this.#addresses = new Set(hosts.addresses.map(comparableHost));
    this.#ports = hosts.ports;
  }

  /**
   * Whether a URI with `host` and `port` is in this domain: the domain's names with any port (a
   * port there is where the client reached us), an own address with no port or a port of ours (on
   * another port of this host is another server).
   */
  serves(host: string, port: number | undefined): boolean {
    const h = comparableHost(host);
    if (this.#names.has(h)) return true;
    return this.#addresses.has(h) && (port === undefined || this.isOwnPort(port));
  }

  /** Whether one of Herald's SIP listeners is bound to `port`. */
  isOwnPort(port: number): boolean {
    return this.#ports().includes(port);
  }

  /** Whether `host` is the domain, an alias or an own address, whatever the port. */
  isOwnHost(host: string): boolean {
    const h = comparableHost(host);
    return this.#names.has(h) || this.#addresses.has(h);
  }

  /** Every host that names the domain, the domain first. */
  get hosts(): readonly string[] {
    return [...this.#names, ...this.#addresses];
  }
}

/** Host names compare without case (RFC 3261 §19.1.4); an IPv6 reference without its brackets. */
export function comparableHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/**
 * The addresses a server bound to `bind` is reached at: that address, or every address of this
 * host's interfaces when it is a wildcard (read once, at start, as Kamailio reads its own).
 */
export function addressesOf(bind: string): string[] {
  if (bind !== '0.0.0.0' && bind !== '::') return [bind];
  const addresses: string[] = [];
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      // A link-local IPv6 address is only meaningful with its zone: no URI carries it.
      const linkLocal = info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:');
      if (!linkLocal) addresses.push(info.address);
    }
  }
  return addresses;
}

export const sipDomainKey = serviceKey<SipDomain>('sip.domain');
