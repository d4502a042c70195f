# Shared definitions of the firmware checks, sourced by Firmware/check and by each Firmware/checks/NN-*.sh.
#
# A check prints one `PASS what`, `FAIL what` (then indented detail lines) or `SKIP what` line per thing it
# asserts; Firmware/check counts them. Checks share one temporary folder ($LOA_CHECK_WORK, made by the runner),
# one zone (a random group and ports, in $work/zone.env) and one controller, started by the first check that
# needs it and stopped by the runner. Whatever else a check starts (with `started PID`) is stopped when it ends.
set -uo pipefail

checks=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
here=$(cd "$checks/.." && pwd)
repo=$(cd "$here/.." && pwd)
debug=${LOA_DEBUG_BIN:-$repo/.build/debug}
work=${LOA_CHECK_WORK:?the checks run through Firmware/check, which sets LOA_CHECK_WORK}

# The receivers under test: the aarch64 build under qemu-aarch64-static, and the armhf one under qemu-arm-static.
sysroot=$here/.sysroot/aarch64
arm_binary=$here/.out/aarch64/loa-receiver
arm=(qemu-aarch64-static -L "$sysroot" "$arm_binary")
armhf_binary=$here/.out/armhf/loa-receiver
armhf=(qemu-arm-static -L "$here/.sysroot/armhf" "$armhf_binary")

# The zone of this run: http_port, group_port, group (ADDR:PORT) and controller (its URL).
# shellcheck source=/dev/null
[ -f "$work/zone.env" ] && source "$work/zone.env"

# systemd's offline tools: systemd-analyze, systemctl and systemd-sysusers read a unit or an image, no systemd running.
systemd_tools=yes
for tool in systemd-analyze systemctl systemd-sysusers; do command -v "$tool" >/dev/null || systemd_tools=no; done

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }
skip() { echo "SKIP $1"; }

# Processes this check started, stopped (SIGTERM, then waited for) when it ends.
started_pids=()
started() { started_pids+=("$@"); }
stop_started() {
    for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap stop_started EXIT

# Waits (up to $2 seconds, polling) until the command $3... succeeds.
wait_for() {
    local what=$1 limit=$2 tries
    shift 2
    for ((tries = 0; tries < limit * 5; tries++)); do "$@" && return 0; sleep 0.2; done
    echo "check: gave up waiting for $what" >&2
    return 1
}

# $1 with every character that means something in an extended regular expression escaped.
literal() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }

# The files under an image root, with their kinds, modes, link targets and contents: equal means unchanged.
snapshot() {
    (cd "$1" && find . -printf '%y %m %p %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# Builds the receiver for $1 (aarch64 or armhf) once per run, its output in $work/build-$1.log; true if it built.
build_receiver() {
    local arch=$1
    [ -e "$work/built-$arch" ] && return 0
    [ -e "$work/unbuilt-$arch" ] && return 1
    if "$here/build" --arch "$arch" > "$work/build-$arch.log" 2>&1; then
        touch "$work/built-$arch"
    else
        touch "$work/unbuilt-$arch"
        return 1
    fi
}

# The aarch64 receiver every check runs, built if this run has not built it yet; and the armhf one, which joins
# the stream comparison only when it builds.
require_build() {
    build_receiver aarch64 || { fail "aarch64 build (Firmware/build)" "$(tail -20 "$work/build-aarch64.log")"; exit 1; }
    build_receiver armhf || armhf=()
}

# The run's controller (the zone `all` on this run's group, a temporary state folder), started if it is not
# running, and the commune root key it made ($work/root.pub). The runner stops it at the end.
require_controller() {
    if [ ! -s "$work/controller.pid" ] || ! kill -0 "$(cat "$work/controller.pid")" 2>/dev/null; then
        mkdir -p "$work/state"
        cat > "$work/zones.yaml" <<ZONES
zones:
  - name: all
    group: $group
    interface: 127.0.0.1
    ttl: 0
    bitrate: 32000
ZONES
        # The key ceremony (the root key stays in $work/ceremony, as on the chairman's USB stick).
        [ -d "$work/ceremony" ] || "$debug/loa" keys init-root --out "$work/ceremony" > "$work/ceremony.log" || return 1
        # No default password: the check makes its admin account on the server, as an operator would.
        [ -s "$work/state/accounts.sqlite" ] || echo "firmware-check-password" \
            | "$debug/loa-controller" admin add check --role admin --state-dir "$work/state" >/dev/null || return 1
        "$debug/loa-controller" --state-dir "$work/state" --listen "127.0.0.1:$http_port" --config "$work/zones.yaml" \
            --heartbeat-port "$http_port" --keys "$work/ceremony" > "$work/controller.log" 2>&1 &
        echo $! > "$work/controller.pid"
    fi
    # Receivers trust only what the commune root key signed, and play only with the controller's signed time.
    wait_for "the controller" 60 curl -sf "$controller/health" >/dev/null 2>&1 || return 1
    LOA_TOKEN=$(curl -sf -X POST --data-binary '{"name":"check","password":"firmware-check-password"}' \
        "$controller/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') || return 1
    export LOA_TOKEN
    [ -s "$work/root.pub" ] || curl -sf "$controller/keys/root.pub" > "$work/root.pub"
}
