// The parts of xmpp.js (@xmpp/client) the web client uses; the packages ship no types.
declare module '@xmpp/client' {
  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (XmlElement | string)[];
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildren(name: string, xmlns?: string): XmlElement[];
    getChildText(name: string, xmlns?: string): string | null;
    getChildElements(): XmlElement[];
    getText(): string;
    text(): string;
    is(name: string, xmlns?: string): boolean;
    getNS(): string;
    toString(): string;
  }
  export function xml(
    name: string,
    attrs?: Record<string, string | undefined>,
    ...children: (XmlElement | string | undefined | null | false)[]
  ): XmlElement;
  export interface IqContext {
    stanza: XmlElement;
    from: string;
    element: XmlElement;
  }
  export interface XmppJsClient {
    jid?: { toString(): string; bare(): { toString(): string }; resource: string };
    status: string;
    options: { service: string; domain: string };
    start(): Promise<unknown>;
    stop(): Promise<void>;
    disconnect(): Promise<void>;
    send(element: XmlElement): Promise<void>;
    on(event: 'stanza', listener: (element: XmlElement) => void): void;
    on(event: 'error', listener: (error: Error & { condition?: string }) => void): void;
    on(event: 'status', listener: (status: string) => void): void;
    on(event: 'online' | 'offline' | 'disconnect', listener: (...args: unknown[]) => void): void;
    iqCaller: { request(element: XmlElement, timeoutMs?: number): Promise<XmlElement> };
    iqCallee: {
      set(ns: string, name: string, handler: (ctx: IqContext) => unknown): void;
      get(ns: string, name: string, handler: (ctx: IqContext) => unknown): void;
    };
    reconnect: {
      delay: number;
      stop(): void;
      start(): void;
      on(event: 'reconnecting' | 'reconnected', listener: () => void): void;
    };
    saslFactory: { use(name: string, mech: new () => unknown): void };
    streamManagement: {
      enabled: boolean;
      id: string;
      on(event: 'resumed', listener: () => void): void;
    };
  }
  export function client(options: {
    service: string;
    domain: string;
    resource?: string;
    credentials: (
      authenticate: (credentials: object, mechanism: string) => Promise<void>,
      mechanisms: string[],
    ) => Promise<void>;
  }): XmppJsClient;
}
