/** The history API's bodies (SPEC M5): conversations, pages of one conversation, search hits. */
import { type Static, Type } from '@sinclair/typebox';

export const HistoryMessage = Type.Object({
  /** The archive's id (the XEP-0359 stanza-id the XMPP copies carried): dedupe by it. */
  id: Type.String(),
  peer: Type.String({ description: 'the other party: a bare JID or a SIP address' }),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  at: Type.String({ format: 'date-time' }),
  body: Type.Union([Type.String(), Type.Null()]),
});
export type HistoryMessage = Static<typeof HistoryMessage>;

export const ConversationList = Type.Object({
  conversations: Type.Array(Type.Object({ peer: Type.String(), last: HistoryMessage })),
});
export type ConversationList = Static<typeof ConversationList>;

export const HistoryPage = Type.Object({
  /** Oldest first. */
  messages: Type.Array(HistoryMessage),
  /** Pass as `before` for the page before this one; null when there is none. */
  before: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
});
export type HistoryPage = Static<typeof HistoryPage>;
