#!/usr/bin/env bash
# (copied from /work/shared/anchors/sip for the SIP bench; the run folder is $KAMAILIO_RUN_DIR, default ./run)
# Stop the anchor Kamailio started by start-kamailio.sh: SIGTERM to the recorded main PID, then
# (after 10 s) SIGKILL to the main PID and to the worker PIDs recorded just before (children only).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIDF="${KAMAILIO_RUN_DIR:-$HERE/run}/kamailio.pid"
[ -f "$PIDF" ] || { echo "not running (no pid file)"; exit 0; }
PID="$(cat "$PIDF")"
if kill -0 "$PID" 2>/dev/null; then
  KIDS="$(pgrep -P "$PID" | tr '\n' ' ')"
  kill -TERM "$PID"
  for i in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null; fi
  for k in $KIDS; do kill -0 "$k" 2>/dev/null && kill -KILL "$k" 2>/dev/null; done
  for i in $(seq 1 30); do ss -lun | grep -q '127.0.0.1:15060 ' || break; sleep 0.1; done
  echo "kamailio pid $PID stopped"
fi
rm -f "$PIDF"
