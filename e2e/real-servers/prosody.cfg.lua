-- Loopback-only Prosody 0.12 config for end-to-end tests of an XMPP-over-WebSocket
-- (RFC 7395) client with XEP-0357 push (mod_cloud_notify). Started by servers.sh (next to this
-- file), which copies it to $XMPP_SERVERS_DIR/prosody/ and runs, as the prosody user,
--   XMPP_PROSODY_DIR=<that folder> prosody --config <that folder>/prosody.cfg.lua -F
-- (the folder needs data/ and certs/ subfolders owned by the prosody user).
-- Endpoints must match src/real-servers/realServers.ts.

local PROBE_DIR = ENV_XMPP_PROSODY_DIR or "/tmp/xmpp-push-playground-servers/prosody"  -- data, logs, pidfile

-- Listen on loopback only (every listener inherits "interfaces" unless overridden)
interfaces = { "127.0.0.1", "::1" }
local_interfaces = { "127.0.0.1", "::1" }
c2s_ports = { 5222 }
c2s_interfaces = { "127.0.0.1", "::1" }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { 5280 }
http_interfaces = { "127.0.0.1", "::1" }
https_ports = { }
https_interfaces = { "127.0.0.1", "::1" }

data_path = PROBE_DIR .. "/data"
pidfile = PROBE_DIR .. "/prosody.pid"
certificates = PROBE_DIR .. "/certs"  -- empty; TLS is disabled

log = {
	debug = PROBE_DIR .. "/prosody.debug.log";
	info = PROBE_DIR .. "/prosody.log";
	{ levels = { min = "info" }, to = "console" };
}

admins = { }
plugin_paths = { "/usr/lib/prosody/modules" } -- prosody-modules installs here on Debian

modules_enabled = {
	"disco";
	"roster";
	"saslauth";
	"ping";
	"time";
	"version";
	"uptime";
	"carbons";        -- XEP-0280
	"smacks";         -- XEP-0198 (built into 0.12)
	"mam";            -- XEP-0313; also a trigger for push when another resource is online
	"csi_simple";
	"posix";          -- pidfile + graceful shutdown on SIGTERM (no daemonizing under -F)
	"http";
	"websocket";      -- RFC 7395 at http://127.0.0.1:5280/xmpp-websocket
	"cloud_notify";   -- XEP-0357 (from prosody-modules)
}
modules_disabled = {
	"s2s";            -- no federation on a loopback test server
	"tls";            -- no certificates; plaintext on loopback only
}

-- Loopback tests: no TLS, PLAIN allowed
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"   -- SCRAM-SHA-1 + PLAIN
storage = "internal"

-- WebSocket
consider_websocket_secure = true      -- treat ws:// as secure (loopback only!)
-- cross_domain_websocket is obsolete in 0.12: mod_websocket no longer checks Origin and CORS is on by default
http_default_host = "localhost"

-- MAM: archive everything by default so archive-message-added fires
default_archive_policy = true
archive_expires_after = "1d"

-- mod_cloud_notify options (defaults shown explicitly)
push_notification_with_body = false
push_notification_with_sender = false
push_max_errors = 16
push_max_devices = 5

-- Short smacks hibernation so tests don't wait long
smacks_hibernation_time = 60

-- Disable rate limiting for tests
limits = { }

VirtualHost "localhost"
