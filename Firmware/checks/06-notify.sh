#!/usr/bin/env bash
# systemd, over a real $NOTIFY_SOCKET: READY=1 first, a STATUS=playing line, watchdog pings (WATCHDOG_USEC=1 s:
# every 0.5 s) and STOPPING=1 last.
source "$(dirname "$0")/lib.sh"
require_build

notify_check() {
    require_controller || return 1
    mkdir -p "$work/notify-state"
    HOME=$work/home python3 "$repo/Deploy/notify-watch.py" "$work" 1000000 3 --status "playing zone 'all'" -- \
        "${arm[@]}" --group "$group" --device arm --stats-interval 0 --controller "$controller" \
        --trust "$work/root.pub" --state-dir "$work/notify-state"
}
if notify_check > "$work/notify.out" 2>&1; then
    pass "systemd notify: $(tail -1 "$work/notify.out")"
else
    fail "systemd notify (READY, STATUS, WATCHDOG, STOPPING)" "$(tail -5 "$work/notify.out")"
fi
