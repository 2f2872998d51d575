import { serviceKey } from './services.js';

/** The certificate and key every TLS listener uses (made or loaded by the composition root). */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

export const tlsMaterialKey = serviceKey<TlsMaterial>('kernel.tls');
