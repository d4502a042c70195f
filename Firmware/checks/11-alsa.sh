#!/usr/bin/env bash
# The ALSA templates: each, written by provision --alsa NAME (for a card named LoaCheckCard, which no
# machine has) over a board's own /etc/asound.conf (kept as asound.conf.before-loa), is read by libasound as
# a user's .asoundrc: `aplay -L` must print no complaint (a syntax error makes libasound drop the file with
# a message) and list the PCM `loa`, and opening `loa` must get as far as the card it names.
source "$(dirname "$0")/lib.sh"

alsa_check() {
    local name=$1 template=$2 image=$work/image-alsa-$1 home=$work/alsa-$1
    mkdir -p "$image/etc" "$home"
    echo "# the board's own" > "$image/etc/asound.conf"
    "$here/provision" --root "$image" --zone hamlet-3 --group "$group" --interface eth0 --alsa "$name" --card LoaCheckCard \
        > "$work/provision-alsa-$name.log" 2>&1 || { cat "$work/provision-alsa-$name.log"; return 1; }
    grep -qx "device = loa" "$image/etc/loa/receiver.conf" || { echo "provision --alsa did not set device = loa"; return 1; }
    grep -qx "# the board's own" "$image/etc/asound.conf.before-loa" || { echo "the board's asound.conf was not kept"; return 1; }
    sed 's/@CARD@/LoaCheckCard/g' "$template" | cmp - "$image/etc/asound.conf" || return 1
    cp "$image/etc/asound.conf" "$home/.asoundrc"
    HOME=$home aplay -L > "$home/list" 2> "$home/list.err"
    [ ! -s "$home/list.err" ] || { echo "libasound complained about it:"; cat "$home/list.err"; return 1; }
    grep -qx loa "$home/list" || { echo "aplay -L lists no PCM 'loa':"; cat "$home/list"; return 1; }
    if HOME=$home timeout 20 aplay -q -D loa -t raw -f S16_LE -r 48000 -c 2 -d 1 /dev/zero 2> "$home/open.err" ||
        ! grep -q "Cannot get card index for LoaCheckCard" "$home/open.err" || grep -q "Unknown PCM" "$home/open.err"; then
        echo "opening 'loa' did not end at the missing card LoaCheckCard:"
        cat "$home/open.err"
        return 1
    fi
    echo "parses without a complaint, aplay -L lists $(grep '^loa' "$home/list" | paste -sd ' '), opening loa reaches card LoaCheckCard"
}
for template in "$here"/alsa/asound-*.conf; do
    name=${template##*/asound-}
    name=${name%.conf}
    if alsa_check "$name" "$template" > "$work/alsa-$name.out" 2>&1; then
        pass "ALSA template $name: $(tail -1 "$work/alsa-$name.out")"
    else
        fail "ALSA template $name ($template)" "$(head -6 "$work/alsa-$name.out")"
    fi
done
