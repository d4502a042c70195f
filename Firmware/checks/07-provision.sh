#!/usr/bin/env bash
# Provisioning an image: the config it writes is what the ARM receiver plays, which then enrols with the controller
# and obeys `loa volume`; the public key is installed and a private key refused.
source "$(dirname "$0")/lib.sh"
require_build

provision_check() {
    local image=$work/image keys=$work/keys
    require_controller || return 1
    mkdir -p "$image" "$keys"
    # The controller's fleet key, pinned on the box (controller-key); the root key's fingerprint printed.
    curl -sf -H "Authorization: Bearer $LOA_TOKEN" "$controller/fleet" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["controllerKey"])' > "$keys/controller.pub" || return 1
    cp "$work/root.pub" "$keys/root.pub"
    "$here/provision" --root "$image" --zone hamlet-3 --group "$group" --interface 127.0.0.1 \
        --controller "$controller" --device arm --key "$keys" > "$work/provision.log" 2>&1 || return 1
    [ -f "$image/etc/loa/keys/controller.pub" ] || { echo "public key not installed"; return 1; }
    grep -q "^controller-key = /etc/loa/keys/controller.pub$" "$image/etc/loa/receiver.conf" ||
        { echo "controller key not pinned"; return 1; }
    local fingerprint
    fingerprint=$(tr -d '\n' < "$keys/root.pub" | base64 -d | sha256sum | cut -c1-64 | sed 's/.\{8\}/&:/g; s/:$//')
    grep -q "root key fingerprint $fingerprint" "$work/provision.log" || { cat "$work/provision.log"; return 1; }
    head -c 64 /dev/urandom > "$keys/controller.key"
    if "$here/provision" --root "$image" --zone x --group "$group" --interface lo --key "$keys" \
        > "$work/provision-private.log" 2>&1; then
        echo "a private key was accepted"
        return 1
    fi
    grep -q "refusing '$keys/controller.key'" "$work/provision-private.log" || { cat "$work/provision-private.log"; return 1; }
    [ ! -e "$image/etc/loa/keys/controller.key" ] || { echo "a private key was copied"; return 1; }
    grep -q "^zone = hamlet-3$" "$image/etc/loa/receiver.conf" || { echo "config was changed by a refused run"; return 1; }
    mkdir -p "$work/box-state"
    HOME=$work/home "${arm[@]}" --config "$image/etc/loa/receiver.conf" --stats-interval 0 --state-dir "$work/box-state" \
        --trust "$image/etc/loa/keys/root.pub" --controller-key "$image/etc/loa/keys/controller.pub" \
        --heartbeat-interval 1 2> "$work/provisioned.log" &
    local pid=$!
    started $pid
    wait_for "the provisioned receiver" 30 grep -q "info: playing" "$work/provisioned.log"
    # The ARM box's heartbeats reach the controller (Ed25519 from the Embedded build); once approved, it
    # is welcomed and acknowledges a command (X25519 key agreement and BLAKE2b tags on both sides).
    local id
    id=$(grep -o "receiver [0-9a-f]\{16\}" "$work/provisioned.log" | head -1 | cut -d' ' -f2)
    wait_for "the ARM box to be pending" 30 sh -c "'$debug/loa' receivers --json --controller '$controller' | grep -q '\"$id\"'" ||
        { cat "$work/provisioned.log"; return 1; }
    "$debug/loa" receivers approve "$id" --name arm-box --controller "$controller" || return 1
    wait_for "the ARM box to be welcomed" 30 grep -q "enrolled: controller" "$work/provisioned.log" || return 1
    "$debug/loa" volume 40 "$id" --controller "$controller" | grep -q "volume acknowledged" || return 1
    grep -q "controller: volume 40%" "$work/provisioned.log" || { cat "$work/provisioned.log"; return 1; }
    kill -TERM "$pid"
    wait "$pid"
    grep -q "playing zone 'hamlet-3' from $group on 127.0.0.1 to ALSA device 'arm'" "$work/provisioned.log" ||
        { cat "$work/provisioned.log"; return 1; }
}
if provision_check > "$work/provision.out" 2>&1; then
    pass "provision: config played by the ARM receiver, which enrols and obeys 'loa volume'; public key installed, private key refused"
else
    fail "provision" "$(tail -5 "$work/provision.out")"
fi
