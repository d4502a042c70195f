#!/usr/bin/env bash
# An interface that exists but has no IPv4 address yet (a box whose eth0 is there before its DHCP lease): the ARM
# receiver in a network namespace of its own, whose lo is still down and so without 127.0.0.1, logs one line per
# attempt and backs off; once lo is up, the next attempt joins the group and it plays. (Linux itself refuses no
# join on an interface that has an address: see Firmware/README.md.)
source "$(dirname "$0")/lib.sh"
require_build

no_address_check() {
    local log=$work/no-address.log holder pid alive=no before lines clear status=none expected
    require_controller || return 1
    unshare --net sleep 600 &
    holder=$!
    started $holder
    # The namespace is there once the holder's differs from ours (before that, nsenter would enter ours).
    wait_for "a network namespace" 10 sh -c "[ \"\$(readlink /proc/$holder/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
        return 1
    mkdir -p "$work/no-address-home" "$work/no-address-state"
    echo 'pcm.quiet { type null }' > "$work/no-address-home/.asoundrc"
    HOME=$work/no-address-home nsenter -t "$holder" -n -- "${arm[@]}" --group "$group" --interface lo --device quiet \
        --stats-interval 0 --controller "$controller" --trust "$work/root.pub" --state-dir "$work/no-address-state" \
        2> "$log" &
    pid=$!
    started $pid
    wait_for "the interface without an address to be tried again" 30 grep -sq "; retrying in 2 s$" "$log"
    kill -0 "$pid" 2>/dev/null && alive=yes
    nsenter -t "$holder" -n ip link set lo up
    wait_for "the receiver to join once lo has 127.0.0.1" 30 grep -q "^info: playing zone" "$log"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    kill -TERM "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
    expected="^error: cannot listen to $(literal "$group"): no network interface 'lo' with an IPv4 address; retrying in [0-9]+ s$"
    # Until it plays, every error is the one clear line (info lines, such as its new identity, may come too).
    before=$(sed '/^info: playing zone/,$d' "$log")
    lines=$(printf '%s\n' "$before" | grep -c "^error:")
    clear=$(printf '%s\n' "$before" | grep -cE "$expected")
    echo "alive=$alive, $clear of $lines error lines before joining as expected, exit status $status after SIGTERM"
    head -1 "$log"
    grep -m1 "^info: playing zone" "$log"
    [ "$alive" = yes ] && [ "$lines" -ge 2 ] && [ "$clear" -eq "$lines" ] && [ "$status" -eq 0 ] &&
        grep -q "^info: playing zone '.*' from $group on lo " "$log"
}
if ! unshare --net true 2> "$work/unshare.err"; then
    skip "interface without an address: cannot make a network namespace here ($(head -1 "$work/unshare.err"))"
elif no_address_check > "$work/no-address.out" 2>&1; then
    pass "interface without an address: one line per attempt, back-off, alive, joins once lo is up: $(sed -n 2p "$work/no-address.out")"
else
    fail "interface without an address (lo down in a network namespace)" "$(head -3 "$work/no-address.out")" \
        "$(head -4 "$work/no-address.log" 2>/dev/null)"
fi
