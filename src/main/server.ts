/**
 * The composition root (DESIGN.md): the only place that constructs adapters. Opens the store,
 * builds the core services, loads every module, then opens the listeners; stop() undoes it all
 * in reverse so that nothing is lost.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { CallRegistry } from '../core/calls/call-registry.js';
import type { DirectoryService } from '../core/directory/directory-service.js';
import type { AccountService } from '../core/identity/account-service.js';
import type { MessageWaitingService } from '../core/messaging/message-waiting.js';
import type { PasswordHasher, Store } from '../core/ports.js';
import type { PresenceService } from '../core/presence/presence-service.js';
import {
  accountServiceKey,
  archiveServiceKey,
  authServiceKey,
  blockServiceKey,
  calendarServiceKey,
  callRegistryKey,
  directoryServiceKey,
  manualStatusServiceKey,
  messageServiceKey,
  messageWaitingKey,
  pepServiceKey,
  presenceServiceKey,
  roomServiceKey,
  rosterEffectsRelayKey,
  rosterServiceKey,
  sessionRegistryKey,
  storeKey,
  uploadServiceKey,
} from '../core/service-keys.js';
import { buildHttpApp } from '../http/http-app.js';
import { HttpRouteRegistry, httpRoutesKey } from '../http/http-routes.js';
import { openComplianceSink } from '../infra/compliance/open-compliance-sink.js';
import { openStore } from '../infra/store/open-store.js';
import { loadOrCreateTlsCredentials } from '../infra/tls/tls-credentials.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { Hooks } from '../kernel/hooks.js';
import { type IdSource, randomIdSource } from '../kernel/ids.js';
import { Listeners, listenersKey } from '../kernel/listeners.js';
import type { Logger } from '../kernel/log.js';
import { Metrics } from '../kernel/metrics.js';
import { ModuleLoader } from '../kernel/module-loader.js';
import { productKey } from '../kernel/product.js';
import { type ServiceKey, ServiceRegistry } from '../kernel/services.js';
import { tlsMaterialKey } from '../kernel/tls-material.js';
import { WebSocketEndpoints, webSocketEndpointsKey } from '../kernel/web-socket-endpoints.js';
import { createCoreServices } from './core-services.js';
import { applyDemoData, type DemoResult } from './demo-data.js';
import { allModules } from './modules.js';

export interface StartOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly demo?: { readonly password: string | undefined };
  readonly clock?: Clock;
  readonly ids?: IdSource;
  readonly hasher?: PasswordHasher;
  /** Directory of the built web client; default web/dist beside the package. */
  readonly webRoot?: string | null;
  /**
   * Tests: every listener that is on (port ≠ 0) binds an OS-chosen free port instead of its
   * configured one; `ports` tells which.
   */
  readonly ephemeralPorts?: boolean;
}

export interface RunningServer {
  readonly config: Config;
  readonly store: Store;
  readonly accounts: AccountService;
  readonly directory: DirectoryService;
  readonly demo: DemoResult | null;
  /** Live call legs and composed presence (tests and diagnostics read them). */
  readonly calls: CallRegistry;
  readonly presence: PresenceService;
  /** What waits in each user's mailboxes (mailboxes set it; the SIP message-summary package reads it). */
  readonly messageWaiting: MessageWaitingService;
  /** Bound ports by listener name (http, https, xmpp, xmpps, …); a listener that is off is absent. */
  readonly ports: Readonly<Record<string, number>>;
  readonly tlsFingerprint: string;
  /** A service a module provides (tests and diagnostics: e.g. the SIP location), if it runs. */
  service<T>(key: ServiceKey<T>): T | undefined;
  stop(): Promise<void>;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function heraldVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIdSource;
  const startedAt = clock.now();
  const metrics = new Metrics();
  const hooks = new Hooks((hook, error) => log.error({ err: error, hook }, 'hook listener failed'));

  const store = await openStore({
    databaseUrl: config.database.url,
    dataDir: config.dataDir,
    poolSize: config.database.poolSize,
  });
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.error({ err: error }, 'error while stopping');
      }
    }
    cleanups.length = 0;
  };

  try {
    // SPEC M7: the compliance sink; its errors name no URL or credentials (infra/compliance).
    const complianceSink = openComplianceSink(config.compliance);
    if (complianceSink) cleanups.push(() => complianceSink.close());
    const complianceLog = log.child({ component: 'compliance' });
    const core = createCoreServices({
      store,
      config,
      clock,
      ids,
      hasher: options.hasher,
      complianceSink,
      onComplianceError: (error) =>
        complianceLog.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'compliance sink failed',
        ),
    });
    const { accounts, auth, directory } = core;
    cleanups.push(async () => core.presence.close());
    // Manual status survives a restart; calendars are polled while the server runs (SPEC I1).
    await core.manualStatus.restore();
    core.calendar.useLogger(log.child({ component: 'calendar' }));
    void core.calendar.start();
    cleanups.push(async () => core.calendar.stop());
    // XEP-0045 §10.1.3: persistent rooms come back unlocked and empty, with their archive.
    const roomLog = log.child({ component: 'rooms' });
    core.rooms.setStoreErrorHandler((error, room) =>
      roomLog.error({ err: error, room }, 'storing a room failed'),
    );
    const roomsLoaded = await core.rooms.load();
    if (roomsLoaded.skipped.length > 0)
      roomLog.warn({ skipped: roomsLoaded.skipped }, 'stored rooms with an invalid configuration skipped');
    cleanups.push(() => core.rooms.flush());
    // SPEC M5: archive retention.
    core.archive.start();
    cleanups.push(async () => core.archive.stop());
    if (core.compliance) {
      const compliance = core.compliance;
      await compliance.start();
      cleanups.push(async () => compliance.stop());
      complianceLog.info(
        {
          sink: config.compliance.sink,
          required: config.compliance.required,
          queued: await compliance.pending(),
        },
        'compliance archive on',
      );
    }
    const demo = options.demo
      ? await applyDemoData(
          { accounts, directory, roster: core.roster, domain: config.domain },
          { given: options.demo.password, generate: () => randomBytes(12).toString('base64url') },
        )
      : null;

    const tls = await loadOrCreateTlsCredentials({
      certFile: config.tls.cert,
      keyFile: config.tls.key,
      dataDir: config.dataDir,
      domain: config.domain,
    });
    if (tls.selfSigned) log.info({ fingerprint256: tls.fingerprint256 }, 'using a self-signed certificate');

    const services = new ServiceRegistry();
    const routes = new HttpRouteRegistry();
    const webSockets = new WebSocketEndpoints();
    const listeners = new Listeners({ ephemeral: options.ephemeralPorts ?? false });
    services.provide(storeKey, store, 'main');
    services.provide(accountServiceKey, accounts, 'main');
    services.provide(authServiceKey, auth, 'main');
    services.provide(directoryServiceKey, directory, 'main');
    services.provide(rosterServiceKey, core.roster, 'main');
    services.provide(rosterEffectsRelayKey, core.rosterEffects, 'main');
    services.provide(blockServiceKey, core.blocks, 'main');
    services.provide(messageServiceKey, core.messages, 'main');
    services.provide(archiveServiceKey, core.archive, 'main');
    services.provide(pepServiceKey, core.pep, 'main');
    services.provide(presenceServiceKey, core.presence, 'main');
    services.provide(callRegistryKey, core.calls, 'main');
    services.provide(messageWaitingKey, core.messageWaiting, 'main');
    services.provide(roomServiceKey, core.rooms, 'main');
    services.provide(manualStatusServiceKey, core.manualStatus, 'main');
    services.provide(calendarServiceKey, core.calendar, 'main');
    services.provide(sessionRegistryKey, core.sessions, 'main');
    services.provide(uploadServiceKey, core.uploads, 'main');
    services.provide(httpRoutesKey, routes, 'main');
    services.provide(webSocketEndpointsKey, webSockets, 'main');
    services.provide(tlsMaterialKey, { cert: tls.cert, key: tls.key }, 'main');
    services.provide(listenersKey, listeners, 'main');
    services.provide(productKey, { name: 'Herald', version: heraldVersion() }, 'main');
    const loader = new ModuleLoader(allModules, { config, log, metrics, clock, ids, hooks, services }, [
      config.domain,
    ]);
    await loader.start();
    cleanups.push(() => loader.stop());

    const httpOptions = {
      auth,
      routes,
      webSockets,
      metrics,
      log: log.child({ component: 'http' }),
      version: heraldVersion(),
      bodyLimit: config.http.bodyLimit,
      health: () => store.health(),
      startedAt,
      now: () => clock.now(),
      webRoot: options.webRoot === undefined ? join(packageRoot, 'web', 'dist') : options.webRoot,
    };
    const listen = async (name: string, configured: number, https: boolean): Promise<void> => {
      const port = listeners.portFor(configured);
      if (port === undefined) return; // SPEC: 0 = off
      const app: FastifyInstance = await buildHttpApp({ ...httpOptions, ...(https ? { https: tls } : {}) });
      cleanups.push(() => app.close());
      await app.listen({ port, host: config.bind });
      const bound = (app.server.address() as AddressInfo).port;
      listeners.bound(name, bound);
      log.info({ port: bound, tls: https }, `listening for ${https ? 'HTTPS' : 'HTTP'}`);
    };
    await listen('http', config.http.port, false);
    await listen('https', config.http.tlsPort, true);
    const ports = listeners.ports;

    return {
      config,
      store,
      accounts,
      directory,
      demo,
      calls: core.calls,
      messageWaiting: core.messageWaiting,
      presence: core.presence,
      ports,
      tlsFingerprint: tls.fingerprint256,
      service: (key) => services.find(key, config.domain) ?? services.find(key),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
