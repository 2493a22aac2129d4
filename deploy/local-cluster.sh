#!/usr/bin/env bash
# local-cluster.sh: a whole MultiTeacher cluster on this machine, one process per role, for trying things out.
#   deploy/local-cluster.sh up [--teachers N] [--replicas R] [--port P] [--config FILE]
#       starts a throwaway RabbitMQ broker on 127.0.0.1:P (own directory, user `mt`, a fresh random password) and
#       `mt node` processes: N teacher processes (the run's teachers at places 1..N; default 3, the demo's), each R times
#       (default 1), one aggregator and one student. Then run `./mt cluster demo [--quick]`.
#   deploy/local-cluster.sh status     each process: running or dead; the broker
#   deploy/local-cluster.sh down       SIGTERM to every node (they hand back unfinished work), then stops the broker
# Everything lives under runs/cluster/ (or $MT_CLUSTER_DIR): broker/ (data), pids/<node>.pid, logs/<node>.log, and env
# (MT_RABBITMQ_URI, readable by you only), which ./mt reads when MT_RABBITMQ_URI is not set.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${MT_CLUSTER_DIR:-$root/runs/cluster}"
say() { printf 'local-cluster: %s\n' "$*" >&2; }
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

command="${1:-}"; [ -n "$command" ] || usage; shift
teachers=3 replicas=1 port="" config="$root/cluster.hocon"
while [ $# -gt 0 ]; do
  case "$1" in
    --teachers) teachers="$2"; shift 2 ;;
    --replicas) replicas="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    *) say "unknown option $1"; usage ;;
  esac
done
# Without --port: the port of the cluster that is up (kept in env), else 5690.
[ -n "$port" ] || port="$(sed -n 's|^MT_RABBITMQ_URI=.*@127.0.0.1:\([0-9]*\)/$|\1|p' "$state/env" 2>/dev/null)"
port="${port:-5690}"
[[ "$teachers" =~ ^[1-9][0-9]*$ && "$replicas" =~ ^[1-9][0-9]*$ ]] || { say "--teachers and --replicas take positive numbers"; exit 2; }

broker() { "$root/deploy/broker.sh" "$1" --port "$port" --dir "$state/broker" "${@:2}"; }

start_node() { # name roles [teachers]
  local name="$1" roles="$2" args=(node --roles "$2" --node-id "$1" --config "$config")
  [ -n "${3:-}" ] && args+=(--teacher-places "$3")
  # exec: the recorded pid is the node's own (so down can signal it), and no shell stays behind holding our output.
  (cd "$root" && MT_HOME="$root" exec setsid dotnet "$root/src/MultiTeacher.Cli/bin/Release/net10.0/mt.dll" "${args[@]}") \
      >"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/pids/$name.pid"
  say "started $name ($roles${3:+ $3}), pid $(cat "$state/pids/$name.pid"), log $state/logs/$name.log"
}

up() {
  if [ -d "$state/pids" ] && [ -n "$(ls -A "$state/pids" 2>/dev/null)" ]; then
    say "already up ($state/pids is not empty); run down first"; exit 1
  fi
  mkdir -p "$state/pids" "$state/logs"
  "$root/mt" --help >/dev/null   # builds the CLI if needed
  local password
  if [ -f "$state/env" ]; then
    password="$(sed -n 's|^MT_RABBITMQ_URI=amqp://mt:\([^@]*\)@.*|\1|p' "$state/env")"
  else
    password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
  fi
  broker start --user mt --password "$password"
  (umask 077; echo "MT_RABBITMQ_URI=amqp://mt:$password@127.0.0.1:$port/" >"$state/env")
  export MT_RABBITMQ_URI="amqp://mt:$password@127.0.0.1:$port/"
  local t r
  for t in $(seq 1 "$teachers"); do
    for r in $(seq 1 "$replicas"); do start_node "teacher-$t-$r" teacher "$t"; done
  done
  start_node aggregator-1 aggregator
  start_node student-1 student
  say "up; waiting for the nodes to join"
  for _ in $(seq 1 60); do
    local joined=0 total=0 f
    for f in "$state"/logs/*.log; do total=$((total + 1)); grep -q joined "$f" && joined=$((joined + 1)); done
    [ "$joined" -eq "$total" ] && { say "$joined nodes joined; now: ./mt cluster demo [--quick]"; return 0; }
    sleep 1
  done
  say "not every node joined within 60 s: see $state/logs/"; status; exit 1
}

status() {
  local f name pid
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || { echo "no nodes"; break; }
    name="$(basename "$f" .pid)"; pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then echo "$name: running (pid $pid)"; else echo "$name: dead (pid $pid; see $state/logs/$name.log)"; fi
  done
  printf 'broker: '; broker status || true
}

down() {
  local f pid
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"; kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    local alive=0
    for f in "$state"/pids/*.pid; do [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break; sleep 0.5
  done
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"; kill -0 "$pid" 2>/dev/null && { say "$(basename "$f" .pid) did not stop; kill -9"; kill -9 "$pid"; }
    rm -f "$f"
  done
  broker stop || true
  say "down"
}

case "$command" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) say "unknown command $command"; usage ;;
esac
