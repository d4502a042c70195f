#!/usr/bin/env bash
# The same stream through the x86 receiver (.build/debug) and the ARM receivers under qemu, on one zone of a real
# controller, each playing to its own ALSA `file` PCM: the recordings must be identical, or no sample more than
# 1 LSB apart. The clip is queued for the next minute (at least 45 s away): every box fetches it ahead into its
# cache, checks it, and plays every frame from its own copy (issue 15) — the cache and the player from the copy,
# under qemu as on x86. Then a second one, and the controller stops answering (SIGSTOP) 10 s before its minute:
# every box plays it on its own from its copy, as its zone's signed timetable says (offline airtime), and does not
# play it again when the controller, resumed, airs it late.
source "$(dirname "$0")/lib.sh"
require_build

stream_check() {
    local clip=$work/clip.wav
    if command -v espeak-ng >/dev/null; then
        espeak-ng -v vi -s 150 -w "$clip" "Thông báo của ủy ban xã: chiều nay mất điện từ hai giờ đến bốn giờ." 2>/dev/null
    else
        sox -n -r 48000 -c 1 "$clip" synth 4 sine 300-900 vol 0.5
    fi
    require_controller || return 1
    mkdir -p "$work/x86-state" "$work/arm-state" "$work/armhf-state" "$work/notify-state"
    # A deep jitter buffer: three receivers, two of them emulated, share two cores with the controller, and
    # a packet late on one receiver only would be concealed there and make the recordings differ.
    local receiver=(--group "$group" --interface 127.0.0.1 --stats-interval 0 --jitter-ms 300 --controller "$controller"
        --trust "$work/root.pub" --heartbeat-interval 2 --offline-after 5)
    HOME=$work/home "$debug/loa-receiver" "${receiver[@]}" --state-dir "$work/x86-state" --device x86 2> "$work/x86.log" &
    local x86=$!
    started $x86
    HOME=$work/home "${arm[@]}" "${receiver[@]}" --state-dir "$work/arm-state" --device arm 2> "$work/arm.log" &
    local arm_pid=$!
    started $arm_pid
    local pids=($x86 $arm_pid) recordings=("$work/x86.raw" "$work/arm.raw")
    if [ ${#armhf[@]} -gt 0 ]; then
        HOME=$work/home "${armhf[@]}" "${receiver[@]}" --state-dir "$work/armhf-state" --device armhf 2> "$work/armhf.log" &
        pids+=($!)
        started $!
        recordings+=("$work/armhf.raw")
        wait_for "the armhf receiver to get trusted time" 90 grep -q "trusted time" "$work/armhf.log" || return 1
    fi
    wait_for "the controller" 60 "$debug/loa" status --controller "$controller" >/dev/null 2>&1 || return 1
    wait_for "both receivers to get trusted time" 60 grep -q "trusted time" "$work/x86.log" || return 1
    wait_for "both receivers to get trusted time" 90 grep -q "trusted time" "$work/arm.log" || return 1
    # Bit-identical only without drift correction: the clip airs once every box's quick exchanges are done, so no
    # box resamples a frame as a young estimate of the controller's clock improves mid-clip.
    local log logs=("$work/x86.log" "$work/arm.log")
    [ ${#armhf[@]} -gt 0 ] && logs+=("$work/armhf.log")
    for log in "${logs[@]}"; do
        wait_for "$(basename "$log" .log) to estimate the controller's clock" 90 grep -q "clock is estimated" "$log" || return 1
    done
    # Approved into the zone, each box is offered the clips it will air.
    local approved=0 count
    for _ in $(seq 60); do
        count=$(curl -sf -X POST -H "Authorization: Bearer $LOA_TOKEN" "$controller/receivers/approve-pending?zone=all" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["approved"])' 2>/dev/null) || count=0
        approved=$((approved + count))
        ((approved >= ${#logs[@]})) && break
        sleep 1
    done
    ((approved >= ${#logs[@]})) || { echo "check: only $approved of ${#logs[@]} boxes could be approved"; return 1; }
    local airtime
    airtime=$((($(date +%s) + 45 + 59) / 60 * 60))
    "$debug/loa" queue "$clip" --zone all --at "$(TZ=Asia/Ho_Chi_Minh date -d "@$airtime" +%H:%M)" \
        --controller "$controller" > "$work/queue.log" 2>&1 || return 1
    for log in "${logs[@]}"; do
        wait_for "$(basename "$log" .log) to hold the clip ahead" 100 grep -q "held ahead: whole and verified" "$log" ||
            return 1
    done
    while (($(date +%s) < airtime + 2)); do sleep 1; done
    idle() { "$debug/loa" status --json --controller "$controller" 2>/dev/null | python3 "$checks/zone-idle.py" all; }
    local tries
    for ((tries = 0; tries < 120; tries++)); do
        sleep 1
        idle && break
    done
    idle || { echo "check: the clip did not finish within 2 minutes"; return 1; }
    # The receivers end a stream 0.5 s after its last packet; give them time to write it out.
    sizes() { stat -c %s "${recordings[@]}" 2>/dev/null | tr '\n' ' '; }
    # Waits until the recordings have stopped growing, at most $1 seconds.
    settle() {
        local before=""
        for _ in $(seq "$1"); do
            sleep 1
            [ -n "$before" ] && [ "$before" = "$(sizes)" ] && break
            before=$(sizes)
        done
    }
    settle 60
    local first_size
    first_size=$(stat -c %s "${recordings[0]}")
    # Offline airtime: the second clip's minute comes with the controller out of reach.
    airtime=$((($(date +%s) + 75 + 59) / 60 * 60))
    "$debug/loa" queue "$clip" --zone all --at "$(TZ=Asia/Ho_Chi_Minh date -d "@$airtime" +%H:%M)" \
        --controller "$controller" > "$work/queue-offline.log" 2>&1 || return 1
    local item
    item=$(grep -o '#[0-9]*' "$work/queue-offline.log" | head -1 | tr -d '#')
    for log in "${logs[@]}"; do
        wait_for "$(basename "$log" .log) to hold the second clip" 100 \
            grep -q "clip of item $item held ahead: whole and verified" "$log" || return 1
    done
    (($(date +%s) < airtime - 10)) || { echo "check: the boxes were not ready 10 s before the slot"; return 1; }
    while (($(date +%s) < airtime - 10)); do sleep 0.2; done
    kill -STOP "$(cat "$work/controller.pid")"
    for log in "${logs[@]}"; do
        wait_for "$(basename "$log" .log) to play the slot on its own" 60 \
            grep -q "playing item $item of the zone's timetable from the box's copy" "$log" || break
    done
    settle 60
    kill -CONT "$(cat "$work/controller.pid")"
    for log in "${logs[@]}"; do
        grep -q "playing item $item of the zone's timetable from the box's copy" "$log" ||
            { echo "check: $(basename "$log" .log) did not play the slot on its own"; return 1; }
    done
    # The controller, back, airs the slot late; the boxes, which played it, do not play it again.
    for ((tries = 0; tries < 120; tries++)); do
        sleep 1
        idle && break
    done
    settle 10
    kill -TERM "${pids[@]}"
    wait "${pids[@]}"
    (($(stat -c %s "${recordings[0]}") < first_size * 5 / 2)) ||
        { echo "check: a box played the slot again when the controller aired it late"; return 1; }
    # Every box played the same number of frames from its copy, none concealed.
    local counts
    counts=$(for log in "${logs[@]}"; do grep 'stopping; statistics:' "$log" | grep -o 'from-file=[0-9]*'; done | sort -u)
    if [ "$(echo "$counts" | wc -l)" != 1 ] || [ -z "$counts" ] || [ "$counts" = from-file=0 ] ||
        grep 'stopping; statistics:' "${logs[@]}" | grep -qv ' concealed=0 '; then
        echo "check: not every box played the clip from its copy: $(grep -h 'stopping; statistics:' "${logs[@]}")"
        return 1
    fi
    python3 "$checks/compare-recordings.py" "${recordings[@]}" |
        sed "\$s/\$/; each box: $counts frames from its copy, the second clip on its own/"
}
if stream_check > "$work/stream.out" 2>&1; then
    pass "same stream on x86 and ARM (qemu): $(tail -1 "$work/stream.out")"
else
    fail "same stream on x86 and ARM (qemu)" "$(tail -5 "$work/stream.out")" \
        "x86: $(tail -3 "$work/x86.log" 2>/dev/null)" "arm: $(tail -3 "$work/arm.log" 2>/dev/null)" \
        "controller: $(tail -5 "$work/controller.log" 2>/dev/null)"
fi
