#!/usr/bin/env bash
# provision --binary, into an image root that has a board's own /etc/passwd and /etc/group: the receiver
# (which runs from there under qemu), the unit, the sysusers file and the README it names are installed,
# and the unit is enabled (the multi-user.target.wants link, and `systemctl --root` says "enabled");
# `systemd-sysusers --root`, as at first boot, makes the user loa, in group audio.
source "$(dirname "$0")/lib.sh"
require_build

binary_check() {
    local image=$work/image-unit target unit wants said
    mkdir -p "$image/etc"
    printf 'root:x:0:0:root:/root:/bin/bash\n' > "$image/etc/passwd"
    printf 'root:x:0:\naudio:x:29:\n' > "$image/etc/group"
    "$here/provision" --root "$image" --zone hamlet-3 --group "$group" --interface eth0 --controller "$controller" \
        --binary "$arm_binary" > "$work/provision-binary.log" 2>&1 || { cat "$work/provision-binary.log"; return 1; }
    target=$image/usr/local/bin/loa-receiver unit=$image/etc/systemd/system/loa-receiver.service
    wants=$image/etc/systemd/system/multi-user.target.wants/loa-receiver.service
    cmp "$arm_binary" "$target" && [ "$(stat -c %a "$target")" = 755 ] || { echo "binary not installed as 0755: $(ls -l "$target")"; return 1; }
    qemu-aarch64-static -L "$sysroot" "$target" --help 2>&1 | grep -q "usage: loa-receiver" ||
        { echo "the installed binary does not run"; return 1; }
    cmp "$here/loa-receiver.service" "$unit" || return 1
    cmp "$here/loa.sysusers" "$image/usr/lib/sysusers.d/loa.conf" || return 1
    [ -f "$image/usr/local/share/doc/loa/README.md" ] || { echo "no README for the unit's Documentation="; return 1; }
    grep -qx "WantedBy=multi-user.target" "$unit" && [ "$(readlink "$wants")" = /etc/systemd/system/loa-receiver.service ] ||
        { echo "not enabled: $(ls -l "$wants" 2>&1)"; return 1; }
    said="binary (runs under qemu), unit, sysusers file, enabled (multi-user.target.wants link"
    if [ "$systemd_tools" = yes ]; then
        [ "$(systemctl --root="$image" is-enabled loa-receiver.service 2>&1)" = enabled ] ||
            { echo "systemctl --root: $(systemctl --root="$image" is-enabled loa-receiver.service 2>&1)"; return 1; }
        systemd-sysusers --root="$image" > "$work/sysusers.log" 2>&1 || { cat "$work/sysusers.log"; return 1; }
        grep -qE '^loa:x:[0-9]+:[0-9]+:[^:]*:/var/lib/loa:/usr/sbin/nologin$' "$image/etc/passwd" &&
            grep -qE '^audio:x:29:(.*,)?loa(,.*)?$' "$image/etc/group" && grep -q '^loa:' "$image/etc/group" ||
            { echo "systemd-sysusers made no loa user in audio:"; cat "$image/etc/passwd" "$image/etc/group"; return 1; }
        said+=", systemctl --root: enabled); systemd-sysusers --root: $(grep '^loa:' "$image/etc/passwd" | cut -d: -f1,6,7), $(grep '^audio:' "$image/etc/group")"
    else
        said+=")"
    fi
    echo "$said"
}
if binary_check > "$work/binary.out" 2>&1; then
    pass "provision --binary: $(tail -1 "$work/binary.out")"
else
    fail "provision --binary" "$(tail -5 "$work/binary.out")"
fi
[ "$systemd_tools" = yes ] || skip "systemctl --root is-enabled, systemd-sysusers --root: systemd is not installed (apt-get install systemd failed)"
