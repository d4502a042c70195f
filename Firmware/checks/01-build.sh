#!/usr/bin/env bash
# The builds: aarch64 (Firmware/build) and armhf (the stretch goal), each one ELF of its kind, at most 1 MiB, that
# runs under qemu. Without the aarch64 build nothing else can run: the runner stops.
source "$(dirname "$0")/lib.sh"

# Checks that a build is one ELF of the expected kind, at most 1 MiB, that runs under qemu.
check_build() {
    local name=$1 kind=$2 binary=$3 size help
    shift 3
    size=$(stat -c %s "$binary")
    help=$("$@" --help 2>&1)
    if file -b "$binary" | grep -q "$kind" && [ "$size" -le 1048576 ] && [[ $help == *"usage: loa-receiver"* ]]; then
        pass "$name build: one $size-byte ELF, runs under qemu (--help)"
    else
        fail "$name build" "$(file -b "$binary")" "size $size" "$help"
    fi
}

if ! build_receiver aarch64; then
    fail "aarch64 build (Firmware/build)" "$(tail -20 "$work/build-aarch64.log")"
    touch "$work/abort"
    exit 1
fi
check_build aarch64 "ARM aarch64" "$arm_binary" "${arm[@]}"
if build_receiver armhf; then
    check_build armhf "32-bit LSB pie executable, ARM" "$armhf_binary" "${armhf[@]}"
else
    fail "armhf build (Firmware/build --arch armhf)" "$(tail -20 "$work/build-armhf.log")"
fi
