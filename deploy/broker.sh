#!/usr/bin/env bash
# broker.sh: a throwaway RabbitMQ broker (Debian's rabbitmq-server) with its own port, directory and user.
#   deploy/broker.sh start  --port P --dir D --user U --password W [--vhost V]
#   deploy/broker.sh stop   --port P --dir D      graceful shutdown (rabbitmqctl shutdown)
#   deploy/broker.sh kill   --port P --dir D      kill -9, as a crash would; start again on the same --dir
#   deploy/broker.sh status --port P --dir D      running or stopped, exit status 0 or 3
# Runs as root (the Debian wrapper switches to the rabbitmq user, so the directory is chowned to it).
# Binds to 127.0.0.1 only; the node is named mtP@localhost and uses distribution port P+20000.
# Never touches epmd, which other brokers on this machine share.
set -euo pipefail

say() { printf 'broker.sh: %s\n' "$*" >&2; }
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

command="${1:-}"; [ -n "$command" ] || usage; shift
port="" dir="" user="" password="" vhost="/"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    --vhost) vhost="$2"; shift 2 ;;
    *) say "unknown option $1"; usage ;;
  esac
done
[ -n "$port" ] && [ -n "$dir" ] || { say "--port and --dir are required"; usage; }
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -lt 45536 ] || { say "--port must be a number below 45536 (P+20000 is the distribution port)"; exit 2; }
[ -x /usr/sbin/rabbitmq-server ] || { say "rabbitmq-server is not installed: apt-get install rabbitmq-server (./mt test does it)"; exit 1; }
node="mt$port@localhost"

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }

port_open() { (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

start() {
  [ "$(id -u)" -eq 0 ] || { say "run as root"; exit 1; }
  if running; then say "already running ($node, pid $(cat "$dir/pid"))"; return 0; fi
  if [ ! -f "$dir/rabbitmq.conf" ]; then
    [ -n "$user" ] && [ -n "$password" ] || { say "first start of $dir needs --user and --password"; exit 2; }
    mkdir -p "$dir/mnesia" "$dir/log"
    echo '[].' >"$dir/enabled_plugins"
    cat >"$dir/rabbitmq.conf" <<CONF
consumer_timeout = 600000
loopback_users = none
default_vhost = $vhost
default_user = $user
default_pass = $password
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
CONF
  fi
  chown -R rabbitmq:rabbitmq "$dir"
  (
    export RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
      RABBITMQ_DIST_PORT=$((port + 20000)) RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
      RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
      RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_FEATURE_FLAGS_FILE="$dir/feature_flags" \
      RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins-expand"
    cd / && exec setsid /usr/sbin/rabbitmq-server
  ) >>"$dir/out" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if port_open; then say "running: amqp://USER:PASSWORD@127.0.0.1:$port/ (node $node, dir $dir)"; return 0; fi
    sleep 0.5
  done
  say "no answer on port $port after 60 s; the end of $dir/out:"; tail -n 30 "$dir/out" >&2; exit 1
}

stop() {
  if ! running; then say "not running"; return 0; fi
  rabbitmqctl -n "$node" shutdown >/dev/null
  say "stopped"
}

kill_broker() {
  if ! running; then say "not running"; return 0; fi
  kill -9 "$(cat "$dir/pid")"
  rm -f "$dir/pid"
  for _ in $(seq 1 50); do port_open || break; sleep 0.2; done
  say "killed"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  kill) kill_broker ;;
  status) if running && port_open; then echo "running ($node, pid $(cat "$dir/pid"))"; else echo "stopped"; exit 3; fi ;;
  *) say "unknown command $command"; usage ;;
esac
