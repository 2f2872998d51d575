/**
 * RFC 3842 §5.2 (Message Waiting Indication), the application/simple-message-summary body:
 *   Messages-Waiting: yes
 *   Message-Account: sip:alice@example.com
 *   Voice-Message: 2/8 (0/2)
 * https://www.rfc-editor.org/rfc/rfc3842#section-5.2
 */
export const MESSAGE_SUMMARY_CONTENT_TYPE = 'application/simple-message-summary';

export interface MessageCounts {
  readonly newCount: number;
  readonly oldCount: number;
  readonly newUrgent: number;
  readonly oldUrgent: number;
}

export interface MessageSummary {
  readonly waiting: boolean;
  readonly account: string | null;
  /** By message-context-class (§5.2: voice-message, fax-message, …), lower case. */
  readonly classes: Readonly<Record<string, MessageCounts>>;
}

const CLASS = /^(voice|fax|pager|multimedia|text|none)-message$/;
const COUNTS = /^(\d{1,9})\/(\d{1,9})(?:\s*\((\d{1,9})\/(\d{1,9})\))?$/;

export function serializeMessageSummary(summary: MessageSummary): string {
  const lines = [`Messages-Waiting: ${summary.waiting ? 'yes' : 'no'}`];
  if (summary.account) lines.push(`Message-Account: ${summary.account}`);
  for (const [name, c] of Object.entries(summary.classes)) {
    if (!CLASS.test(name)) continue;
    const label = name.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
    const urgent = c.newUrgent || c.oldUrgent ? ` (${c.newUrgent}/${c.oldUrgent})` : '';
    lines.push(`${label}: ${c.newCount}/${c.oldCount}${urgent}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function parseMessageSummary(
  body: string,
): { ok: true; value: MessageSummary } | { ok: false; error: string } {
  if (body.length > 16_384) return { ok: false, error: 'message-summary too large' };
  let waiting: boolean | undefined;
  let account: string | null = null;
  const classes: Record<string, MessageCounts> = {};
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 1) continue; // §5.2: the optional msg-summary-line part is free text
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'messages-waiting') {
      if (value.toLowerCase() !== 'yes' && value.toLowerCase() !== 'no')
        return { ok: false, error: 'Messages-Waiting must be yes or no' };
      waiting = value.toLowerCase() === 'yes';
    } else if (name === 'message-account') account = value;
    else if (CLASS.test(name)) {
      const m = COUNTS.exec(value);
      if (!m) return { ok: false, error: `bad counts for ${name}` };
      classes[name] = {
        newCount: Number(m[1]),
        oldCount: Number(m[2]),
        newUrgent: Number(m[3] ?? 0),
        oldUrgent: Number(m[4] ?? 0),
      };
    }
  }
  // §5.2: the status line comes first and is mandatory.
  if (waiting === undefined) return { ok: false, error: 'no Messages-Waiting line' };
  return { ok: true, value: { waiting, account, classes } };
}
