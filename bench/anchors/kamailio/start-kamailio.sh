#!/usr/bin/env bash
# (copied from /work/shared/anchors/sip for the SIP bench; the run folder is $KAMAILIO_RUN_DIR, default ./run)
# Start the anchor Kamailio on 127.0.0.1:15060 (UDP+TCP), 15080 (WS), 15061 (TLS, with --tls).
# Usage: anchors/start-kamailio.sh [--tls] [--blf] [--cpu N] [--shm MB]
# Pins Kamailio (all its processes) to CPU 1 by default (taskset -c 1).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${KAMAILIO_RUN_DIR:-$HERE/run}"
CPU=1; SHM=1024; DEFS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tls) DEFS+=(-A WITH_TLS); shift;;
    --blf) DEFS+=(-A WITH_BLF); shift;;
    --cpu) CPU="$2"; shift 2;;
    --shm) SHM="$2"; shift 2;;
    *) echo "unknown arg $1" >&2; exit 2;;
  esac
done
mkdir -p "$RUN"
if [ -f "$RUN/kamailio.pid" ] && kill -0 "$(cat "$RUN/kamailio.pid")" 2>/dev/null; then
  echo "kamailio already running (pid $(cat "$RUN/kamailio.pid"))" >&2; exit 1
fi
for i in $(seq 1 100); do ss -lun | grep -q '127.0.0.1:15060 ' || break; sleep 0.1; done
if ss -lun | grep -q '127.0.0.1:15060 '; then echo "127.0.0.1:15060 already in use" >&2; exit 1; fi
rm -f "$RUN/kamailio.sqlite" "$RUN/kamailio_ctl" "$RUN/kamailio_rpc.fifo"
S=/usr/share/kamailio/db_sqlite
cat "$S/standard-create.sql" "$S/presence-create.sql" "$S/msilo-create.sql" | sqlite3 "$RUN/kamailio.sqlite"
sed "s|@RUNDIR@|$RUN|g" "$HERE/kamailio.cfg" > "$RUN/kamailio.cfg"
if [[ " ${DEFS[*]:-} " == *WITH_TLS* ]]; then
  [ -f "$RUN/tls.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=127.0.0.1" \
      -keyout "$RUN/tls.key" -out "$RUN/tls.crt" >/dev/null 2>&1
  sed "s|@RUNDIR@|$RUN|g" "$HERE/tls.cfg.in" > "$RUN/tls.cfg"
fi
kamailio -c -f "$RUN/kamailio.cfg" -A DBURL="\"sqlite://$RUN/kamailio.sqlite\"" ${DEFS[@]+"${DEFS[@]}"} >"$RUN/check.log" 2>&1 || { cat "$RUN/check.log"; exit 1; }
ulimit -n 16384 2>/dev/null || true
# -DD: stay in foreground (no daemonize) but fork children; -E: log to stderr
nohup taskset -c "$CPU" kamailio -DD -E -f "$RUN/kamailio.cfg" -m "$SHM" -M 32 \
   -A DBURL="\"sqlite://$RUN/kamailio.sqlite\"" ${DEFS[@]+"${DEFS[@]}"} >"$RUN/kamailio.log" 2>&1 &
echo $! > "$RUN/kamailio.pid"
for i in $(seq 1 50); do
  if ss -lun | grep -q '127.0.0.1:15060'; then break; fi; sleep 0.1
done
sleep 0.5
kill -0 "$(cat "$RUN/kamailio.pid")" || { echo "kamailio failed:"; tail -20 "$RUN/kamailio.log"; exit 1; }
echo "kamailio started pid $(cat "$RUN/kamailio.pid") on CPU $CPU (shm ${SHM}MB)"
