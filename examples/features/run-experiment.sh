#!/usr/bin/env bash
# The feature-distillation experiment of the README (issue 20): the cnn:8-16-32 student from the demo's cnn teacher,
# from scratch, with logits only, with logits + attention transfer and with logits + hints, with 600 labels and with all
# labels, for each seed given (default 10). Prints one line per run: seed, labels, variant, test accuracy, feature
# bytes per shard. Trains the teacher models/cnn-32-64-128-s2-e5.safetensors first when it is missing (as `./mt demo`
# would). The teacher's logits and features are cached beside it, so only the first run pays its teacher passes.
#   examples/features/run-experiment.sh [SEED...] [-- extra mt distill args]
# At reduced size (a few minutes in all; the README's table is the full size):
#   examples/features/run-experiment.sh 10 -- --set multiteacher.distill.train-rows=10000 --set multiteacher.distill.epochs=2
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/examples/features"
out="${MT_EXPERIMENT_OUT:-$root/runs/features}"
# MT_CLI=path/to/mt.dll runs a copy of the CLI (so that rebuilding the tree cannot change a running sweep).
mt=("$root/mt")
[ -n "${MT_CLI:-}" ] && mt=(env MT_HOME="$root" dotnet "$MT_CLI")
mkdir -p "$out"
teacher="$root/models/cnn-32-64-128-s2-e5.safetensors"
if [ ! -f "$teacher" ]; then
  echo "training the teacher $teacher (cnn:32-64-128, 5 epochs, seed 2)"
  "${mt[@]}" train-teacher --arch cnn:32-64-128 --epochs 5 --seed 2 --out "$teacher"
fi
seeds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#seeds[@]} -eq 0 ] && seeds=(10)
for seed in "${seeds[@]}"; do
  for labels in 600 all; do
    for variant in scratch logits attention hints; do
      config="$here/distill-features.hocon"
      args=(--set "multiteacher.distill.seed=$seed" --set "multiteacher.distill.labels=$labels")
      case "$variant" in
        scratch) args+=(--set "multiteacher.distill.features=[]" --set "multiteacher.distill.alpha=0") ;;
        logits) args+=(--set "multiteacher.distill.features=[]") ;;
        hints) config="$here/distill-hints.hocon" ;;
      esac
      dir="$out/s$seed-$labels-$variant"
      "${mt[@]}" distill --config "$config" "${args[@]}" "$@" --out "$dir" >"$dir.log" 2>&1 || { echo "$variant $labels seed $seed failed: see $dir.log"; exit 1; }
      /usr/bin/python3 - "$dir/summary.json" "$seed" "$labels" "$variant" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
student = s["students"]["distilled"]
features = s.get("features") or {}
print(f"seed {sys.argv[2]}  labels {sys.argv[3]:>4}  {sys.argv[4]:<9}  test {100 * student['test_accuracy']:.2f}%  "
      f"best epoch {student['best_epoch']}/{student['epochs']}  feature bytes/shard {features.get('feature_bytes_per_shard', 0):,}  "
      f"terms {features.get('last_epoch_terms', {})}", flush=True)
PY
    done
  done
done
