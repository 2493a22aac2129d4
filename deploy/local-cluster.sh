#!/usr/bin/env bash
# local-cluster.sh: an Akka.Cluster of MultiTeacher teacher nodes on this machine (loopback), for trying things out.
#   deploy/local-cluster.sh up [--teachers N] [--replicas R] [--config FILE]
#       starts N teacher nodes (`mt node --roles teacher`, default 2) on free loopback ports, each serving every teacher
#       of the runs it hears announced with R replicas (default 1). The first node is the seed the others (and
#       `mt cluster demo`) join through. Then: ./mt cluster demo [--quick], or
#       ./mt node --roles coordinator --seed-nodes "$(cat runs/cluster/seed-nodes)" --set 'akka.cluster.split-brain-resolver.keep-oldest.role=""'
#   deploy/local-cluster.sh status     each node: running or dead, and the seed address
#   deploy/local-cluster.sh down       SIGTERM to every node (they leave the cluster), kill -9 after 15 s
# State lives in runs/cluster/ (or $MT_CLUSTER_DIR): pids/<node>.pid, logs/<node>.log, seed-nodes.
# Every node uses keep-oldest without a role, so the first teacher node (the oldest) is the side that is kept: a
# coordinator killed mid-run is downed and the teacher nodes stay up for its --resume.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${MT_CLUSTER_DIR:-$root/runs/cluster}"
dll="$root/src/MultiTeacher.Cli/bin/Release/net10.0/mt.dll"
downing='akka.cluster.split-brain-resolver.keep-oldest.role=""'
say() { printf 'local-cluster: %s\n' "$*" >&2; }
usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }

command="${1:-}"
[ -n "$command" ] || usage
shift
teachers=2 replicas=1 config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --teachers|--replicas|--config)
      [ $# -ge 2 ] || { say "$1 needs a value"; usage; }
      case "$1" in --teachers) teachers="$2" ;; --replicas) replicas="$2" ;; --config) config="$2" ;; esac
      shift 2 ;;
    -h|--help) usage ;;
    *) say "unknown option $1"; usage ;;
  esac
done
[[ "$teachers" =~ ^[1-9][0-9]*$ ]] || { say "--teachers takes a positive number, got '$teachers'"; exit 2; }
[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || { say "--replicas takes a positive number, got '$replicas'"; exit 2; }
if [ -n "$config" ]; then
  [ -f "$config" ] || { say "--config $config: no such file"; exit 2; }
  config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
fi

running() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

start_node() { # name [seed]
  local name="$1" seed="${2:-}" args=(node --roles teacher --hostname 127.0.0.1 --port 0 --replicas "$replicas" --set "$downing")
  [ -n "$config" ] && args+=(--config "$config")
  [ -n "$seed" ] && args+=(--seed-nodes "$seed")
  # exec: the recorded pid is the node's own (so down can signal it), and no shell stays behind holding our output.
  (cd "$root" && exec setsid dotnet "$dll" "${args[@]}") >"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/pids/$name.pid"
  say "started $name, pid $(cat "$state/pids/$name.pid"), log $state/logs/$name.log"
}

# Waits until the node's log says it is up; prints its address. Fails (with the log's tail) if it dies or takes 90 s.
wait_up() { # name
  local name="$1" log="$state/logs/$1.log" address
  for _ in $(seq 1 180); do
    address="$(sed -n 's/^mt node: \(akka[.a-z]*:\/\/[^ ]*\) is up$/\1/p' "$log" 2>/dev/null | head -n 1)"
    [ -n "$address" ] && { echo "$address"; return 0; }
    running "$state/pids/$name.pid" || { say "$name ended before it was up; the end of $log:"; tail -n 15 "$log" >&2; return 1; }
    sleep 0.5
  done
  say "$name was not up within 90 s; the end of $log:"; tail -n 15 "$log" >&2
  return 1
}

up() {
  local f
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    if running "$f"; then say "a local cluster is up already ($f runs); run down first"; exit 1; fi
  done
  mkdir -p "$state/pids" "$state/logs" || { say "cannot create $state"; exit 1; }
  rm -f "$state"/pids/*.pid "$state/seed-nodes"
  if ! "$root/mt" --help >/dev/null; then say "the CLI does not build: see the messages above"; exit 1; fi
  [ -f "$dll" ] || { say "the CLI was built but $dll is missing"; exit 1; }

  start_node teacher-1
  local seed
  seed="$(wait_up teacher-1)" || { down; exit 1; }
  echo "$seed" >"$state/seed-nodes"
  say "teacher-1 is up at $seed (the seed)"
  local t
  for t in $(seq 2 "$teachers"); do start_node "teacher-$t" "$seed"; done
  for t in $(seq 2 "$teachers"); do
    wait_up "teacher-$t" >/dev/null || { down; exit 1; }
  done
  say "$teachers teacher node(s) up ($replicas replica(s) per teacher each); now: ./mt cluster demo [--quick]"
}

status() {
  local f name pid any=0
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    any=1; name="$(basename "$f" .pid)"; pid="$(cat "$f")"
    if running "$f"; then echo "$name: running (pid $pid)"; else echo "$name: dead (pid $pid; see $state/logs/$name.log)"; fi
  done
  [ "$any" -eq 1 ] || { echo "no local cluster ($state/pids holds no nodes)"; return 0; }
  [ -f "$state/seed-nodes" ] && echo "seed: $(cat "$state/seed-nodes")"
  return 0
}

down() {
  local f alive
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    running "$f" && kill -TERM "$(cat "$f")" 2>/dev/null
  done
  for _ in $(seq 1 30); do
    alive=0
    for f in "$state"/pids/*.pid; do running "$f" && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  for f in "$state"/pids/*.pid; do
    [ -e "$f" ] || continue
    running "$f" && { say "$(basename "$f" .pid) did not stop; kill -9"; kill -9 "$(cat "$f")" 2>/dev/null; }
    rm -f "$f"
  done
  rm -f "$state/seed-nodes"
  say "down"
}

case "$command" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) say "unknown command $command"; usage ;;
esac
