#!/usr/bin/env bash
# A missing sound card does not stop the box: it runs (heartbeats to its controller, which shows the card failing),
# logs one line per attempt to open it, 1 s, 2 s, 4 s … apart, and stops on SIGTERM.
source "$(dirname "$0")/lib.sh"
require_build

missing_card_check() {
    local log=$work/missing-card.log pid alive=no attempts errors heartbeats=no status
    local line="error: cannot open ALSA device 'loa-no-such-device': No such file or directory (Unknown PCM loa-no-such-device)"
    require_controller || { fail "missing sound card" "no controller: $(tail -3 "$work/controller.log" 2>/dev/null)"; return; }
    mkdir -p "$work/missing-card-state"
    HOME=$work/home "${arm[@]}" --group "$group" --interface 127.0.0.1 --device loa-no-such-device --stats-interval 0 \
        --controller "$controller" --trust "$work/root.pub" --state-dir "$work/missing-card-state" 2> "$log" &
    pid=$!
    started $pid
    wait_for "the missing card's third attempt" 60 grep -sqF "$line; retrying in 4 s" "$log"
    kill -0 "$pid" 2>/dev/null && alive=yes
    grep -q "heartbeats every" "$log" && heartbeats=yes
    attempts=$(grep -cE "^$(literal "$line"); retrying in [0-9]+ s$" "$log")
    errors=$(grep -c "^error:" "$log")
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    if [ "$alive" = yes ] && [ "$heartbeats" = yes ] && [ "$attempts" -ge 3 ] && [ "$attempts" -eq "$errors" ] &&
        [ "$status" -eq 0 ]; then
        pass "missing sound card: the box runs and heartbeats, $attempts attempts with back-off: $(grep -m1 "^error" "$log")"
    else
        fail "missing sound card" "alive=$alive heartbeats=$heartbeats attempts=$attempts errors=$errors status=$status" \
            "$(head -6 "$log")"
    fi
}
missing_card_check
