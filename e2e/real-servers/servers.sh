#!/usr/bin/env bash
# servers.sh: Debian 12's Prosody 0.12 and ejabberd 23.01 on loopback only, for the conformance
# suite and the real-server smoke test (src/real-servers/). XMPP over WebSocket (RFC 7395) with
# XEP-0357 push (Prosody: mod_cloud_notify from prosody-modules; ejabberd: mod_push).
#
#   servers.sh install          apt-get install prosody prosody-modules lua-event lua-unbound ejabberd curl
#                               (system services are never started; skipped when already installed)
#   servers.sh start-prosody    ws://127.0.0.1:5280/xmpp-websocket  (c2s 127.0.0.1:5222)
#   servers.sh start-ejabberd   ws://127.0.0.1:5380/xmpp-websocket  (c2s 127.0.0.1:5322,
#                               Erlang distribution 127.0.0.1:5390, no epmd)
#   servers.sh start | stop     both servers
#   servers.sh stop-prosody | stop-ejabberd | status
#
# Accounts alice, bob, pushsvc, carol, dave and pushsvc2 (password "pass", or $XMPP_PASS) on the domain "localhost".
# State, logs and pidfiles live under $XMPP_SERVERS_DIR (default /tmp/xmpp-push-playground-servers);
# the configs next to this script are copied there at every start. Only the pids this script
# recorded at start are ever signalled, and only while they still run the expected program.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${XMPP_SERVERS_DIR:-/tmp/xmpp-push-playground-servers}
# carol, dave and pushsvc2, and erin, frank and pushsvc3: more account triples, so probes or other
# differential runs (`--accounts carol,dave,pushsvc2`, `--accounts erin,frank,pushsvc3`) can run
# beside one that uses alice, bob and pushsvc.
USERS=(alice bob pushsvc carol dave pushsvc2 erin frank pushsvc3)
PASS=${XMPP_PASS:-pass}
PACKAGES=(prosody prosody-modules lua-event lua-unbound ejabberd curl)

PROSODY_PORTS=(5222 5280)
EJABBERD_PORTS=(5322 5380 5390)

log() { printf '[servers.sh] %s\n' "$*"; }
die() { printf '[servers.sh] error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "run as root (the servers run as their own system users)"; }
# Milliseconds since the epoch, for the timings printed after each step.
now_ms() { date +%s%3N; }

# listeners REGEX: listening TCP sockets whose line matches REGEX (ss is in iproute2, which a
# minimal Debian may lack; then nothing is printed).
listeners() { command -v ss >/dev/null && ss -ltnpH | grep -E "$1" || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Refuse to start over something already listening: the readiness probe would see that instead.
ports_free() {
  local p
  for p in "$@"; do
    if port_open "$p"; then die "127.0.0.1:$p is already in use$(listeners ":$p\b" | sed 's/^/: /')"; fi
  done
}
# wait_port PORT SECONDS PID: the port opens while PID is still alive.
wait_port() {
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do
    port_open "$1" && return 0
    running "$3" || return 1
    sleep 0.1
  done
  return 1
}

# ipv6_loopback: ::1 is configured (containers may run with IPv6 disabled; ejabberd then refuses to
# start at all on its ::1 listeners, eaddrnotavail).
ipv6_loopback() { grep -qE '^0{31}1 .* lo$' /proc/net/if_inet6 2>/dev/null; }

# show_failure LOG: a failed start's log tail and the listeners, on stdout as well as stderr (CI
# records only part of the output).
show_failure() {
  log "last lines of $1:"
  tail -n 40 "$1" 2>/dev/null | sed 's/^/    /' | tee /dev/stderr || true
  listeners ':(5222|5280|5322|5380|5390)\b' | sed 's/^/    listening: /'
}

# wait_pidfile FILE: the starter shell wrote its pid (up to 30 s on a loaded machine).
wait_pidfile() {
  local i
  for i in $(seq 1 300); do [ -s "$1" ] && return 0; sleep 0.1; done
  return 1
}

# running PID: the process exists and is not a zombie (an exited server waits to be reaped by init,
# which can take a while in containers; kill -0 still succeeds on it).
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# alive PIDFILE PATTERN: the recorded pid runs and its command line matches PATTERN (guards against
# a recycled pid after a crash or reboot).
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  running "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# stop_pid PIDFILE PATTERN NAME: SIGTERM the recorded pid, SIGKILL it after 15 s.
stop_pid() {
  local pidfile=$1 pattern=$2 name=$3 pid i
  if ! alive "$pidfile" "$pattern"; then
    log "$name is not running (no live recorded pid)"
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for i in $(seq 1 150); do running "$pid" || break; sleep 0.1; done
  if running "$pid"; then
    log "$name (pid $pid) ignored SIGTERM for 15 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "$name stopped (pid $pid)"
}

# ---------------------------------------------------------------- install
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

install() {
  need_root
  local missing=() p t0
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then log "already installed: ${PACKAGES[*]}"; return 0; fi
  t0=$(now_ms)
  apt-get update
  # The packages' postinst scripts would start the system services with Debian's default configs
  # (listening on every interface). invoke-rc.d refuses when policy-rc.d exits 101, as in containers.
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || die "apt-get install failed ($rc)"
  log "installed ${missing[*]} in $(( $(now_ms) - t0 )) ms"
}

# Every start begins with empty storage (no push registrations, offline messages or archives left
# over from an earlier run) unless XMPP_SERVERS_KEEP_DATA=1. Only our own subfolder is removed.
fresh_state() {
  [ "${XMPP_SERVERS_KEEP_DATA:-0}" = 1 ] && return 0
  case "$1" in "$BASE"/prosody/data|"$BASE"/ejabberd/db) rm -rf -- "$1" ;; *) die "refusing to remove $1" ;; esac
}

prepare_base() {
  mkdir -p "$BASE"
  chmod 755 "$BASE"   # the prosody and ejabberd users must reach their folders
}

# ---------------------------------------------------------------- Prosody
P="$BASE/prosody"
P_PID="$P/server.pid"
# Prosody's own process is `lua5.4 /usr/bin/prosody --config …`; the config path pins it to us.
P_PATTERN="/usr/bin/prosody --config $P/prosody.cfg.lua"

prosodyctl_() { XMPP_PROSODY_DIR="$P" prosodyctl --config "$P/prosody.cfg.lua" "$@"; }

start_prosody() {
  need_root
  installed prosody && installed prosody-modules || die "prosody is not installed: run '$0 install'"
  if alive "$P_PID" "$P_PATTERN"; then log "prosody already running (pid $(cat "$P_PID"))"; return 0; fi
  ports_free "${PROSODY_PORTS[@]}"
  local t0 attempt; t0=$(now_ms)
  prepare_base
  fresh_state "$P/data"
  mkdir -p "$P/data" "$P/certs"
  cp "$HERE/prosody.cfg.lua" "$P/prosody.cfg.lua"
  ipv6_loopback || sed -i 's/, "::1"//g' "$P/prosody.cfg.lua"
  chown -R prosody:prosody "$P"
  # prosodyctl drops to the prosody user itself; `register` overwrites an existing password.
  local u
  for u in "${USERS[@]}"; do prosodyctl_ register "$u" localhost "$PASS"; done
  # A start that does not open its ports in time is retried: a loaded CI machine has been seen to
  # miss the window once.
  for attempt in 1 2 3; do
    if prosody_attempt "$attempt"; then
      log "prosody running, pid $(cat "$P_PID"), ws://127.0.0.1:5280/xmpp-websocket, started in $(( $(now_ms) - t0 )) ms"
      return 0
    fi
    show_failure "$P/console.log"
    stop_pid "$P_PID" "$P_PATTERN" prosody
    log "prosody start attempt $attempt failed"
  done
  die "prosody did not open 127.0.0.1:5280 and :5222 after 3 attempts (log: $P/console.log)"
}

# prosody_attempt N: start Prosody once and wait for its ports (longer at each attempt).
prosody_attempt() {
  rm -f "$P_PID"
  # setpriv execs (no forking helper in between), so the recorded pid is Prosody itself; -F keeps it
  # in the foreground and setsid detaches it from this shell's terminal and job control.
  XMPP_PROSODY_DIR="$P" setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$P_PID" \
    env HOME=/var/lib/prosody setpriv --reuid=prosody --regid=prosody --init-groups \
    prosody --config "$P/prosody.cfg.lua" -F > "$P/console.log" 2>&1 < /dev/null &
  wait_pidfile "$P_PID" || { log "prosody's starter wrote no pid in 30 s"; return 1; }
  wait_port 5280 $(( 20 * $1 )) "$(cat "$P_PID")" && wait_port 5222 $(( 10 * $1 )) "$(cat "$P_PID")"
}

stop_prosody() { stop_pid "$P_PID" "$P_PATTERN" prosody; }   # mod_posix: SIGTERM = clean shutdown

# ---------------------------------------------------------------- ejabberd
E="$BASE/ejabberd"
E_PID="$E/server.pid"         # ejabberdctl foreground (bash), the VM's parent
E_VM_PID="$E/ejabberd.pid"    # the Erlang VM (beam.smp), written by ejabberd itself
# Both command lines carry our spool folder (ejabberdctl --spool, beam -mnesia dir).
E_PATTERN="$E/db"

# ejabberd_api COMMAND JSON: one mod_http_api call (loopback only); prints the response body.
ejabberd_api() {
  curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' -d "$2" \
    "http://127.0.0.1:5380/api/$1"
}

start_ejabberd() {
  need_root
  installed ejabberd || die "ejabberd is not installed: run '$0 install'"
  if alive "$E_PID" "$E_PATTERN"; then log "ejabberd already running (pid $(cat "$E_PID"))"; return 0; fi
  ports_free "${EJABBERD_PORTS[@]}"
  local t0; t0=$(now_ms)
  prepare_base
  fresh_state "$E/db"
  mkdir -p "$E/db" "$E/log"
  cp "$HERE/ejabberd.yml" "$HERE/ejabberdctl.cfg" "$E/"
  ipv6_loopback || drop_ipv6_listeners "$E/ejabberd.yml"
  chown -R ejabberd:ejabberd "$E"
  local attempt ok=""
  for attempt in 1 2 3; do
    if ejabberd_attempt "$attempt"; then ok=1; break; fi
    show_failure "$E/console.log"
    stop_ejabberd
    log "ejabberd start attempt $attempt failed"
  done
  [ -n "$ok" ] || die "ejabberd did not start after 3 attempts (logs: $E/console.log, $E/log/)"
  local u
  for u in "${USERS[@]}"; do
    if ! ejabberd_api register "{\"user\":\"$u\",\"host\":\"localhost\",\"password\":\"$PASS\"}" \
      | grep -q 'successfully registered'; then
      # kept data (XMPP_SERVERS_KEEP_DATA=1): the account exists, make its password ours
      ejabberd_api change_password \
        "{\"user\":\"$u\",\"host\":\"localhost\",\"newpass\":\"$PASS\"}" | grep -q '^0$' \
        || die "could not register $u@localhost on ejabberd"
    fi
  done
  log "ejabberd running, pid $(cat "$E_PID"), ws://127.0.0.1:5380/xmpp-websocket, started in $(( $(now_ms) - t0 )) ms"
}

# ejabberd_attempt N: start ejabberd once and wait for its ports (longer at each attempt).
ejabberd_attempt() {
  rm -f "$E_PID" "$E_VM_PID"
  # setpriv (not ejabberdctl's own `su`, which forks) so that the recorded runner pid is the
  # ejabberdctl that stays the Erlang VM's parent; HOME is where the ejabberd user's Erlang cookie
  # lives (`ejabberdctl` run by root su's to that user and reads the same one). The VM writes its
  # own pid to EJABBERD_PID_PATH: that is the process stop-ejabberd signals.
  HOME=/var/lib/ejabberd EJABBERD_PID_PATH="$E_VM_PID" \
    setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$E_PID" \
    setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
    ejabberdctl --config "$E/ejabberd.yml" --ctl-config "$E/ejabberdctl.cfg" \
    --logs "$E/log" --spool "$E/db" foreground > "$E/console.log" 2>&1 < /dev/null &
  wait_pidfile "$E_PID" || { log "ejabberd's starter wrote no pid in 30 s"; return 1; }
  # ejabberd opens its listeners only once it has started; each `ejabberdctl` command would boot
  # another Erlang VM (about 1 s each, 3 s for `started`), so accounts go through mod_http_api,
  # which ejabberd.yml opens to loopback callers only.
  wait_port 5380 $(( 60 * $1 )) "$(cat "$E_PID")" && wait_port 5322 $(( 10 * $1 )) "$(cat "$E_PID")"
}

# drop_ipv6_listeners FILE: remove the `listen:` items bound to ::1 (each item starts at "  -").
drop_ipv6_listeners() {
  awk '
    function flush() { if (item != "" && item !~ /ip: "::1"/) printf "%s", item; item = "" }
    /^listen:/ { inlisten = 1; print; next }
    inlisten && /^[^ #]/ { flush(); inlisten = 0 }
    inlisten && /^  -/ { flush() }
    inlisten { item = item $0 "\n"; next }
    { print }
    END { flush() }
  ' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}

stop_ejabberd() {
  # The VM turns SIGTERM into init:stop() (a clean shutdown); its parent ejabberdctl then exits. If
  # the VM never wrote its pidfile (failed start), signalling the parent is all that is left.
  local stopped="" i
  if alive "$E_VM_PID" "$E_PATTERN"; then stop_pid "$E_VM_PID" "$E_PATTERN" "ejabberd (Erlang VM)"; stopped=1; fi
  for i in $(seq 1 50); do alive "$E_PID" "$E_PATTERN" || break; sleep 0.1; done
  if alive "$E_PID" "$E_PATTERN"; then stop_pid "$E_PID" "$E_PATTERN" "ejabberdctl foreground"; stopped=1; fi
  rm -f "$E_PID" "$E_VM_PID"
  [ -n "$stopped" ] || log "ejabberd is not running (no live recorded pid)"
}

# ---------------------------------------------------------------- status
status() {
  if alive "$P_PID" "$P_PATTERN"; then log "prosody: running, pid $(cat "$P_PID") (state $P)"
  else log "prosody: stopped"; fi
  if alive "$E_PID" "$E_PATTERN"; then
    log "ejabberd: running, pid $(cat "$E_PID"), Erlang VM pid $(cat "$E_VM_PID" 2>/dev/null || echo '?') (state $E)"
  else log "ejabberd: stopped"; fi
  local p open=""
  for p in 5222 5280 5322 5380 5390; do port_open "$p" && open="$open $p"; done
  if [ -n "$open" ]; then log "listening on 127.0.0.1:$open"; listeners ':(5222|5280|5322|5380|5390)\b'
  else log "nothing listens on 127.0.0.1: 5222/5280/5322/5380/5390"; fi
}

case "${1:-}" in
  install) install ;;
  start-prosody) start_prosody ;;
  stop-prosody) stop_prosody ;;
  start-ejabberd) start_ejabberd ;;
  stop-ejabberd) stop_ejabberd ;;
  start) start_prosody; start_ejabberd ;;
  stop) stop_prosody; stop_ejabberd ;;
  status) status ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac
