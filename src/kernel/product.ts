import { serviceKey } from './services.js';

/** The product's name and version, for XEP-0092, /health and User-Agent/Server headers. */
export interface Product {
  readonly name: string;
  readonly version: string;
}

export const productKey = serviceKey<Product>('kernel.product');
