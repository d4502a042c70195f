#!/usr/bin/env bash
# Provision never leaves a private key. A key file named *.pub whose content is a private key (64 raw bytes,
# PEM, 64 bytes in base64 or hex, the controller's own secret key) is refused before anything is written;
# a private key already in the image (the identity of a box the card was copied from, a key left in
# /etc/loa) is removed by the final sweep. Each: one line on stderr, a non-zero exit, and the image as it
# was (after the sweep: as it was before the private key was put there).
source "$(dirname "$0")/lib.sh"
require_build
# The controller's own secret key is one of the private keys tried.
require_controller > /dev/null 2>&1

private_keys_check() {
    local image=$work/image-keys good=$work/good-keys bad=$work/bad-keys name file before after status err
    local args=(--root "$image" --zone hamlet-3 --group "$group" --interface eth0 --controller "$controller" --key "$good")
    mkdir -p "$image" "$good" "$bad"
    head -c 32 /dev/urandom | base64 > "$good/controller.pub"
    head -c 32 /dev/urandom | base64 > "$good/root.pub"
    if ! "$here/provision" "${args[@]}" > "$work/provision-keys.log" 2>&1; then
        fail "provision refuses private keys: the first, good run failed" "$(tail -3 "$work/provision-keys.log")"
        return
    fi
    # Refused before anything is written.
    for name in raw-64 pem base64-64 hex-64 controller-secret; do
        mkdir -p "$bad/$name"
        file=$bad/$name/controller.pub
        case $name in
            raw-64) head -c 64 /dev/urandom > "$file" ;;
            pem) openssl genpkey -algorithm ed25519 -out "$file" 2>/dev/null ||
                printf -- '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' "$(head -c 48 /dev/urandom | base64)" > "$file" ;;
            base64-64) head -c 64 /dev/urandom | base64 -w0 > "$file"; echo >> "$file" ;;
            hex-64) head -c 64 /dev/urandom | od -An -v -tx1 | tr -d ' \n' > "$file"; echo >> "$file" ;;
            controller-secret)
                # The controller's own Ed25519 secret key, from the check's controller, as if renamed by mistake.
                local secret
                secret=$(find "$work/state" -name controller.key | head -1)
                if [ -n "$secret" ]; then cp "$secret" "$file"; else head -c 64 /dev/urandom | base64 -w0 > "$file"; fi ;;
        esac
        before=$(snapshot "$image")
        "$here/provision" "${args[@]}" --key "$file" > "$work/refused-$name.out" 2> "$work/refused-$name.err"
        status=$?
        after=$(snapshot "$image")
        err=$(cat "$work/refused-$name.err")
        if [ "$status" -ne 0 ] && [ "$err" = "provision: refusing '$file': it looks like a private key; only the controller's public key goes on a box" ] &&
            [ ! -s "$work/refused-$name.out" ] && [ "$after" = "$before" ]; then
            pass "private key ($name) named controller.pub: refused, exit $status, image unchanged: $err"
        else
            fail "private key ($name) named controller.pub" "exit status $status; stderr:" "$err" \
                "stdout: $(head -2 "$work/refused-$name.out")" \
                "$( [ "$after" = "$before" ] && echo "image unchanged" || diff <(echo "$before") <(echo "$after") | head -6)"
        fi
    done
    # Removed by the final sweep: the same provisioning again, over an image that holds a private key.
    local identity
    identity=$(find "$work" -path "*-state/identity.key" | head -1)
    for name in box-identity stray-key; do
        case $name in
            box-identity) file=$image/var/lib/loa/identity.key ;;
            stray-key) file=$image/etc/loa/keys/stream.key ;;
        esac
        mkdir -p "$(dirname "$file")"
        before=$(snapshot "$image")
        if [ -n "$identity" ]; then cp "$identity" "$file"; else head -c 64 /dev/urandom | base64 -w0 > "$file"; fi
        "$here/provision" "${args[@]}" > "$work/swept-$name.out" 2> "$work/swept-$name.err"
        status=$?
        after=$(snapshot "$image")
        err=$(cat "$work/swept-$name.err")
        if [ "$status" -ne 0 ] && [ "$err" = "provision: removed '$file': it looks like a private key" ] &&
            [ ! -e "$file" ] && [ "$after" = "$before" ]; then
            pass "private key already in the image ($name, ${file#"$image"}): removed by the final sweep, exit $status, nothing else changed: $err"
        else
            fail "private key already in the image ($name, ${file#"$image"})" "exit status $status; stderr:" "$err" \
                "$( [ "$after" = "$before" ] && echo "image otherwise unchanged" || diff <(echo "$before") <(echo "$after") | head -6)"
        fi
        rm -f "$file"
    done
}
private_keys_check
