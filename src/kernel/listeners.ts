/**
 * Where the composition root learns which ports modules bound: each listener asks which port to
 * bind (tests run every listener on an OS-chosen port) and reports what it got.
 */
import { serviceKey } from './services.js';

export class Listeners {
  readonly #ephemeral: boolean;
  readonly #bound = new Map<string, number>();
  /** `ports` as last built; asked on every SIP request (is this URI ours?), it changes only here. */
  #ports: Readonly<Record<string, number>> | undefined;

  constructor(options: { ephemeral: boolean }) {
    this.#ephemeral = options.ephemeral;
  }

  /** The port to bind for a configured one; 0 configured means the listener is off (undefined). */
  portFor(configured: number): number | undefined {
    if (configured === 0) return undefined;
    return this.#ephemeral ? 0 : configured;
  }

  bound(name: string, port: number): void {
    this.#bound.set(name, port);
    this.#ports = undefined;
  }

  closed(name: string): void {
    this.#bound.delete(name);
    this.#ports = undefined;
  }

  get ports(): Readonly<Record<string, number>> {
    this.#ports ??= Object.freeze(Object.fromEntries(this.#bound));
    return this.#ports;
  }
}

export const listenersKey = serviceKey<Listeners>('kernel.listeners');
