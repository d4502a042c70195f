#!/usr/bin/env bash
# The systemd unit. `systemd-analyze verify` needs no running systemd, but it checks that ExecStart's
# program exists: it reads a copy whose ExecStart is the built aarch64 binary, and must print nothing (it
# exits 0 even for a misspelt key or a bad value, printing a warning). Then what issue 3 asks of the unit,
# read from the file itself: always restarted, with no start limit; Type=notify and a watchdog; the user
# loa (from sysusers) with the audio group; ProtectSystem=strict with state only in /var/lib/loa; real-time.
source "$(dirname "$0")/lib.sh"
require_build

unit_check() {
    local copy=$work/unit-verify/loa-receiver.service said=""
    if [ "$systemd_tools" = yes ]; then
        mkdir -p "$work/unit-verify"
        grep -q '^ExecStart=/usr/local/bin/loa-receiver ' "$here/loa-receiver.service" ||
            { echo "ExecStart is not /usr/local/bin/loa-receiver, where provision installs it"; return 1; }
        sed "s|^ExecStart=/usr/local/bin/loa-receiver |ExecStart=$arm_binary |" "$here/loa-receiver.service" > "$copy"
        systemd-analyze verify --man=no "$copy" > "$work/verify.log" 2>&1 && [ ! -s "$work/verify.log" ] ||
            { echo "systemd-analyze verify:"; cat "$work/verify.log"; return 1; }
        said="systemd-analyze verify says nothing, security exposure $(systemd-analyze security --offline=true --no-pager "$copy" 2>/dev/null |
            sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p'); "
    fi
    python3 "$checks/unit-settings.py" "$here/loa-receiver.service" "$said"
}
if unit_check > "$work/unit.out" 2>&1; then
    pass "systemd unit: $(tail -1 "$work/unit.out")"
else
    fail "systemd unit ($here/loa-receiver.service)" "$(head -8 "$work/unit.out")"
fi
[ "$systemd_tools" = yes ] || skip "systemd-analyze verify: systemd is not installed (apt-get install systemd failed); the unit's settings were checked"
