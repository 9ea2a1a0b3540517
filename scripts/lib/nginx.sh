# Shared by the scripts that need an nginx of their own (sourced, not run).
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

# start_nginx WORK PORT HTTP_EXTRA SERVER_EXTRA: nginx with WORK as its prefix, serving WORK/html on
# 127.0.0.1:PORT, pid in WORK/nginx.pid; HTTP_EXTRA and SERVER_EXTRA go into the http and server blocks.
# Waits (bounded) until it accepts connections. Run it pinned with NGINX_PREFIX_CMD, e.g. "taskset -c 0";
# NGINX_LISTEN adds to the listen directive ("http2": h2c; "ssl http2" with ssl_certificate in SERVER_EXTRA).
start_nginx() {
  local work=$1 port=$2 http_extra=$3 server_extra=$4
  chmod 755 "$work"  # mktemp makes it private; nginx's worker runs as an unprivileged user
  mkdir -p "$work/html" "$work/logs" "$work/tmp"
  chmod -R a+rX "$work/html"
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  $http_extra
  server {
    listen 127.0.0.1:$port ${NGINX_LISTEN:-};
    root $work/html;
    $server_extra
  }
}
CONF
  ${NGINX_PREFIX_CMD:-} nginx -p "$work" -c "$work/nginx.conf"
  local _
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "nginx did not start; see $work/logs/error.log" >&2
  return 1
}

# stop_nginx_in WORK: stops the nginx start_nginx started in WORK, if any, and removes WORK (for an EXIT trap).
stop_nginx_in() {
  local work=$1
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
