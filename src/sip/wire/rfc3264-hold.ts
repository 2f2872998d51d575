/**
 * RFC 3264 §8.4 (Putting a Unicast Media Stream on Hold) read from an SDP offer (RFC 4566, parsed
 * by sdp-transform): the offerer holds the call when every media stream it keeps (port not 0,
 * §8.2) is `sendonly` or `inactive` — the media-level attribute, else the session-level one — or,
 * as RFC 2543 UAs still do, its connection address is 0.0.0.0. A body that is not SDP, or
 * does not parse, holds nothing.
 * https://www.rfc-editor.org/rfc/rfc3264#section-8.4
 */
import { parse } from 'sdp-transform';

const HOLDING: ReadonlySet<string> = new Set(['sendonly', 'inactive']);
/** A hold offer is small; a body far larger is not read for it. */
const MAX_SDP_BYTES = 16_384;

export function isHoldOffer(body: Buffer, contentType: string | undefined): boolean {
  if (!contentType?.toLowerCase().startsWith('application/sdp')) return false;
  if (body.length === 0 || body.length > MAX_SDP_BYTES) return false;
  let sdp: ReturnType<typeof parse>;
  try {
    sdp = parse(body.toString('utf8'));
  } catch {
    return false;
  }
  const kept = (sdp.media ?? []).filter((m) => m.port !== 0);
  if (kept.length === 0) return false;
  const sessionDirection = sdp.direction;
  const sessionAddress = sdp.connection?.ip;
  return kept.every((m) => {
    const direction = m.direction ?? sessionDirection;
    // COMPAT(RFC 2543 §B.5): hold by a connection address of 0.0.0.0.
    const address = m.connection?.ip ?? sessionAddress;
    return (direction !== undefined && HOLDING.has(direction)) || address === '0.0.0.0';
  });
}
