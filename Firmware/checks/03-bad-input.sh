#!/usr/bin/env bash
# Bad input to the ARM receiver: a missing config file, a corrupt one, a unicast address as its group, an
# interface (so a group) it cannot join. Each starts, logs one clear line per attempt, backs off, stays alive and
# stops on SIGTERM.
source "$(dirname "$0")/lib.sh"
require_build

printf 'zone = hamlet-3\ngroup = %s\n\x7fELF\x02\x01\x01\n' "$group" > "$work/corrupt.conf"
# A group that can never be joined: a unicast address (a typo, or the controller's own address) as the group.
printf 'zone = hamlet-3\ngroup = 10.77.0.1:%s\ninterface = 127.0.0.1\n' "$group_port" > "$work/unicast-group.conf"
declare -A bad_args bad_line
bad_args[missing-config]="--config $work/missing.conf"
bad_line[missing-config]="config file $work/missing.conf: cannot read it: No such file or directory"
bad_args[corrupt-config]="--config $work/corrupt.conf"
bad_line[corrupt-config]="config file $work/corrupt.conf line 3: expected 'key = value'"
bad_args[unjoinable-group]="--group $group --interface loa-missing0 --device arm"
bad_line[unjoinable-group]="cannot listen to $group: no network interface 'loa-missing0'"
bad_args[unicast-group]="--config $work/unicast-group.conf --device arm"
bad_line[unicast-group]="config file $work/unicast-group.conf line 2: group '10.77.0.1:$group_port' is not a multicast ADDR:PORT"
declare -A bad_pid
for name in "${!bad_args[@]}"; do
    # shellcheck disable=SC2086
    HOME=$work/home "${arm[@]}" ${bad_args[$name]} 2> "$work/$name.log" &
    bad_pid[$name]=$!
    started $!
done
for name in missing-config corrupt-config unjoinable-group unicast-group; do
    log=$work/$name.log pid=${bad_pid[$name]}
    wait_for "$name to retry" 30 grep -q "; retrying in 2 s$" "$log"
    alive=no
    kill -0 "$pid" 2>/dev/null && alive=yes
    expected="^error: $(literal "${bad_line[$name]}").*; retrying in [0-9]+ s$"
    lines=$(wc -l < "$log")
    clear=$(grep -cE "$expected" "$log")
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    if [ "$alive" = yes ] && [ "$lines" -ge 2 ] && [ "$clear" -eq "$lines" ] && [ "$status" -eq 0 ]; then
        pass "$name: one line per attempt, back-off, alive: $(head -1 "$log")"
    else
        fail "$name" "alive=$alive, $clear of $lines lines as expected, exit status $status after SIGTERM" \
            "$(head -4 "$log")"
    fi
done
