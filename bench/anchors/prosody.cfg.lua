-- Prosody 0.12 benchmark anchor (loopback only, plaintext, no rate limits).
-- Copied from shared/anchors/xmpp/prosody.cfg.lua; bench/xmpp/targets/prosody-target.ts writes it
-- into the state folder with data_path made absolute and starts Prosody there.
run_as_root = true              -- bench box runs everything as root
daemonize = false
pidfile = "prosody.pid"         -- relative to data_path
data_path = "var/prosody/data"
certificates = "var"            -- no certificates (plaintext loopback)
log = { warn = "prosody.log" }  -- warn only (no per-session info logging); relative to data_path

network_backend = "epoll"
interfaces = { "127.0.0.1" }
network_settings = { tcp_backlog = 4096, nagle = false }  -- TCP_NODELAY like ejabberd (default nagle = true adds ~40 ms tails)
local_interfaces = { "127.0.0.1" }
c2s_ports = { 15222 }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { 15280 }          -- WebSocket at ws://127.0.0.1:15280/xmpp-websocket
http_interfaces = { "127.0.0.1" }
https_ports = { }
consider_websocket_secure = true
cross_domain_websocket = true

-- No TLS on loopback; allow PLAIN over plaintext so PLAIN and SCRAM-SHA-1 can both be tested.
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"   -- SCRAM-SHA-1 + PLAIN (PLAIN verified via PBKDF2)
default_iteration_count = 4096       -- same SCRAM iteration count as ejabberd (Prosody default 10000)
storage = "internal"
allow_registration = false           -- in-band registration OFF

-- Throttling: mod_limits is NOT loaded (Debian default enables it with c2s rate 10kb/s),
-- so there is no c2s read-rate shaper. No connection caps exist in Prosody itself.
c2s_stanza_size_limit = 262144
-- mod_blocklist keeps only 64 users' blocklists in its LRU (blocklist_cache_size); every miss costs
-- account + blocklist + privacy-list storage reads on each message/presence delivery. Raised so the
-- benchmark's 1000 active users fit (the chat/presence reference runs use this setting).
blocklist_cache_size = 25000

modules_enabled = {
  "roster"; "saslauth"; "disco"; "ping"; "offline"; "carbons";
  "private"; "vcard_legacy"; "blocklist"; "version"; "uptime"; "time";
  "websocket"; "posix";
}
modules_disabled = { "s2s"; "tls"; }

VirtualHost "bench.local"
