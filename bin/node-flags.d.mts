/** The Node flags `herald serve` runs with (node-flags.mjs). */
export declare const HERALD_NODE_FLAGS: readonly string[];
