#!/usr/bin/env bash
# mt: the one entry point of MultiTeacher.
#   ./mt test [dotnet-test args]   install what the tests need, build in Release, run every test project
#   ./mt <command> [args]          build if needed, then run the CLI (./mt --help lists the commands)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli_dll="$root/src/MultiTeacher.Cli/bin/Release/net10.0/mt.dll"
export MT_HOME="$root" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf 'mt: %s\n' "$*" >&2; }

# Debian packages the tests and the demo rely on, with the file that shows each one is present. The neural networks
# need nothing from Debian: LibTorch comes with the TorchSharp-cpu NuGet package.
declare -A needed_files=(
  [dataset-fashion-mnist]="/usr/share/datasets/fashion-mnist"
  [python3-torch]="/usr/lib/python3/dist-packages/torch"
  [chromium]="/usr/bin/chromium"
  [libopenblas0-pthread]="/usr/lib/x86_64-linux-gnu/openblas-pthread"
)

install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if [ ! -e "${needed_files[$pkg]}" ] && ! dpkg -s "$pkg" >/dev/null 2>&1; then missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      say "missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}"; return 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    || say "apt-get update failed; trying the install with the package lists at hand"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    say "apt-get install ${missing[*]} failed; install them by hand and run again"; return 1
  fi
}

# Builds quietly; the compiler's output is shown only when the build fails.
quiet_build() {
  local log
  if ! log=$(cd "$root" && dotnet build "$@" -c Release -nologo -v:q -tl:off 2>&1); then
    printf '%s\n' "$log" >&2
    say "build failed"
    return 1
  fi
}

build() { quiet_build MultiTeacher.sln "$@"; }

build_if_needed() {
  # Sources only: obj/ and bin/ hold files that other builds (the solution's, the tests') rewrite.
  if [ -f "$cli_dll" ] && [ -z "$(find "$root/src" "$root/build" "$root/Directory.Build.props" "$root/Directory.Build.targets" \
      "$root/Directory.Packages.props" \( -name obj -o -name bin \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.conf' \) -newer "$cli_dll" -print -quit)" ]; then
    return 0
  fi
  say "building (Release)"
  quiet_build src/MultiTeacher.Cli/MultiTeacher.Cli.csproj
}

# Sums the TRX files of one run into the line "N passed, N failed[, N skipped]".
summarize_results() {
  local dir="$1" passed=0 failed=0 skipped=0 total=0 f counters
  for f in "$dir"/*.trx; do
    [ -e "$f" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
    local t p fl
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    total=$((total + t)); passed=$((passed + p)); failed=$((failed + fl))
  done
  skipped=$((total - passed - failed))
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
  else echo "$passed passed, $failed failed"; fi
}

run_tests() {
  # python3-torch: a test loads a student trained here into PyTorch and checks the accuracy `mt eval` prints.
  # chromium: the dashboard's browser test drives it headless through Playwright (no browser download).
  install_packages dataset-fashion-mnist python3-torch chromium
  say "building (Release)"
  build
  local results="$root/.mt/test-results"
  rm -rf "$results"; mkdir -p "$results"
  local status=0
  (cd "$root" && dotnet test MultiTeacher.sln -c Release --no-build -nologo \
      --logger "trx" --results-directory "$results" "$@") || status=$?
  local projects expected
  projects=$(ls "$results"/*.trx 2>/dev/null | wc -l)
  expected=$(cd "$root" && ls tests/*/*.Tests.csproj | wc -l)
  if [ "$projects" -ne "$expected" ]; then
    say "only $projects of $expected test projects reported results"
    [ "$status" -ne 0 ] || status=1
  fi
  summarize_results "$results"
  return "$status"
}

case "${1:-}" in
  test) shift; run_tests "$@" ;;
  build) shift; build "$@" ;;
  demo|distill|online|train-teacher|eval|logits|bench)
    # Set-up on a fresh machine, as for the tests: the data (and PyTorch for `bench --pytorch`). When that cannot be
    # done, the command still runs and its own error says what is missing.
    install_packages dataset-fashion-mnist || true
    # PyTorch's side of `bench nn --pytorch` needs OpenBLAS: Debian's python3-torch otherwise runs on the reference
    # BLAS (libblas3), 40 times slower, and the comparison would mean nothing.
    case " $* " in *" --pytorch "*) install_packages python3-torch libopenblas0-pthread || true ;; esac
    build_if_needed
    exec dotnet "$cli_dll" "$@"
    ;;
  *)
    build_if_needed
    exec dotnet "$cli_dll" "$@"
    ;;
esac
