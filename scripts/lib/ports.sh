# Port helpers for the scripts (sourced, not run).
# free_port START: the first port from START that nothing on 127.0.0.1 accepts on.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# wait_for_port PORT SECONDS: returns once 127.0.0.1:PORT accepts connections, or fails after SECONDS.
wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.1
  done
}
