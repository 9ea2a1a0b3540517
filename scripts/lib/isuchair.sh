# Starting the isuchair reference webapp from the scripts (sourced, not run).
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

# start_webapp BIN_DIR WORK [ARGS...]: starts isuchair-webapp on a free port with its database in WORK;
# sets WEBAPP_PID and WEBAPP_URL; waits (bounded) until it accepts connections.
start_webapp() {
  local bin=$1 work=$2
  shift 2
  local port
  port=$(free_port 18080)
  "$bin/isuchair-webapp" --listen "127.0.0.1:$port" --db "$work/isuchair.db" "$@" >"$work/webapp.log" 2>&1 &
  WEBAPP_PID=$!
  WEBAPP_URL="http://127.0.0.1:$port"
  if ! wait_for_port "$port" 30; then
    echo "isuchair-webapp did not start:" >&2
    cat "$work/webapp.log" >&2
    return 1
  fi
}

stop_webapp() {
  if [[ -n "${WEBAPP_PID:-}" ]]; then
    kill "$WEBAPP_PID" 2>/dev/null || true
    wait "$WEBAPP_PID" 2>/dev/null || true
    WEBAPP_PID=
  fi
}
