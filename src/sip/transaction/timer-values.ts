/**
 * RFC 3261 Appendix A (Table 4, Timer Values), with Timers L and M of RFC 6026 — the values of the
 * transaction timers as pure functions of T1, T2, T4 and of whether the transport is reliable.
 * https://www.rfc-editor.org/rfc/rfc3261#appendix-A · https://www.rfc-editor.org/rfc/rfc6026
 */

/** The base timers (milliseconds). §17.1.1.1 and §17.1.2.2: T1 500 ms, T2 4 s, T4 5 s by default. */
export interface TimerConfig {
  /** RTT estimate. */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. */
  readonly t2: number;
  /** Maximum duration a message will remain in the network. */
  readonly t4: number;
}

export const DEFAULT_TIMER_CONFIG: TimerConfig = { t1: 500, t2: 4_000, t4: 5_000 };

/** §17.2.1: the INVITE server transaction sends 100 (Trying) if the TU has not answered within 200 ms. */
export const TRYING_DELAY_MS = 200;

/**
 * Every timer of Table 4 for one transport, in milliseconds. The retransmission timers (A, E, G) are
 * undefined over reliable transports, where they are not started (§17.1.1.2, §17.1.2.2, §17.2.1); the
 * wait timers D, I, J, K are 0 there (the transaction moves on at once).
 */
export interface TimerValues {
  /** INVITE request retransmit interval, initial value (UDP only). */
  readonly A: number | undefined;
  /** INVITE transaction timeout. */
  readonly B: number;
  /** Wait time for response retransmits. */
  readonly D: number;
  /** Non-INVITE request retransmit interval, initial value (UDP only). */
  readonly E: number | undefined;
  /** Non-INVITE transaction timeout. */
  readonly F: number;
  /** INVITE response retransmit interval, initial value (UDP only). */
  readonly G: number | undefined;
  /** Wait time for ACK receipt. */
  readonly H: number;
  /** Wait time for ACK retransmits. */
  readonly I: number;
  /** Wait time for non-INVITE request retransmits. */
  readonly J: number;
  /** Wait time for response retransmits (non-INVITE). */
  readonly K: number;
  /** RFC 6026: wait time for accepted INVITE request retransmits (server). */
  readonly L: number;
  /** RFC 6026: wait time for retransmission of 2xx to INVITE or further 2xx of a forked INVITE (client). */
  readonly M: number;
}

export function timerValues(isReliable: boolean, config: TimerConfig = DEFAULT_TIMER_CONFIG): TimerValues {
  const { t1, t4 } = config;
  const retransmit = isReliable ? undefined : t1;
  return {
    // §17.1.1.2: A starts at T1 over unreliable transports and SHOULD NOT be started over reliable ones.
    A: retransmit,
    // §17.1.1.2: "For any transport, the client transaction MUST start timer B with a value of 64*T1".
    B: 64 * t1,
    // §17.1.1.2: D at least 32 s for unreliable transports, zero for reliable ones. It must outlive the
    // server's Timer H (64*T1), hence the max when T1 is raised.
    D: isReliable ? 0 : Math.max(32_000, 64 * t1),
    // §17.1.2.2: E starts at T1 (unreliable only); F is 64*T1.
    E: retransmit,
    F: 64 * t1,
    // §17.2.1: G starts at T1 (unreliable only); H is 64*T1 for all transports; I is T4 or zero.
    G: retransmit,
    H: 64 * t1,
    I: isReliable ? 0 : t4,
    // §17.2.2: J is 64*T1 for unreliable transports, zero for reliable ones.
    J: isReliable ? 0 : 64 * t1,
    // §17.1.2.2: K is T4 for unreliable transports, zero for reliable ones.
    K: isReliable ? 0 : t4,
    // RFC 6026 §8.7 (L, server) and §8.4 (M, client): 64*T1 for all transports.
    L: 64 * t1,
    M: 64 * t1,
  };
}

/** §17.1.1.2: each time Timer A fires, its next interval doubles (2*T1, 4*T1, …), with no cap. */
export function nextTimerA(previousMs: number): number {
  return 2 * previousMs;
}

/**
 * §17.1.2.2: in Trying, Timer E doubles up to T2 (MIN(2*previous, T2)); in Proceeding it is reset to T2.
 */
export function nextTimerE(
  previousMs: number,
  state: 'Trying' | 'Proceeding',
  config: TimerConfig = DEFAULT_TIMER_CONFIG,
): number {
  return state === 'Proceeding' ? config.t2 : Math.min(2 * previousMs, config.t2);
}

/** §17.2.1: Timer G doubles up to T2, MIN(2*previous, T2), as Timer E does in Trying. */
export function nextTimerG(previousMs: number, config: TimerConfig = DEFAULT_TIMER_CONFIG): number {
  return Math.min(2 * previousMs, config.t2);
}
