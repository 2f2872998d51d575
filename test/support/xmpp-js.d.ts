// The parts of xmpp.js (@xmpp/client, @xmpp/xml) the interop tests use; the packages ship no types.
declare module '@xmpp/xml' {
  export interface XmlElement {
    name: string;
    attrs: Record<string, string>;
    children: (XmlElement | string)[];
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildren(name: string, xmlns?: string): XmlElement[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    is(name: string, xmlns?: string): boolean;
    toString(): string;
  }
  export default function xml(
    name: string,
    attrs?: Record<string, string | undefined>,
    ...children: (XmlElement | string | undefined)[]
  ): XmlElement;
}

declare module '@xmpp/client' {
  import type { XmlElement } from '@xmpp/xml';
  export interface XmppJsClient {
    jid?: { toString(): string };
    status: string;
    start(): Promise<unknown>;
    stop(): Promise<void>;
    send(element: XmlElement): Promise<void>;
    on(event: 'stanza', listener: (element: XmlElement) => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    on(event: 'status' | 'online' | 'offline', listener: (...args: unknown[]) => void): void;
    iqCaller: { request(element: XmlElement, timeoutMs?: number): Promise<XmlElement> };
    reconnect: { stop(): void; start(): void; scheduleReconnect(): void };
    /** The connection's socket (net or TLS). */
    socket: { socket: { destroy(): void } } | null;
    streamManagement: { enabled: boolean; id: string; on(event: 'resumed', listener: () => void): void };
  }
  export function client(options: {
    service: string;
    domain: string;
    username: string;
    password: string;
    resource?: string;
  }): XmppJsClient;
}
