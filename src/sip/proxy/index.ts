/** The SIP proxy (RFC 3261 §16): calls between registered users and lines. */
export { CallLegFeed } from './call-leg-feed.js';
export { InviteForwarding } from './invite-forwarding.js';
export { SipProxy, type SipProxyOptions } from './sip-proxy.js';
export { sipProxyModule } from './sip-proxy-module.js';
