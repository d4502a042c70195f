"""Reads the receiver's systemd unit (one setting per line) and checks what issue 3 asks of it: always restarted with
no start limit, Type=notify and a watchdog, the dedicated user loa with the audio group, ProtectSystem=strict with
state only in /var/lib/loa, real-time scheduling, the devices and address families it needs. Prints each problem,
then one summary line (after SAID, what systemd-analyze said); exits non-zero if there was a problem.

usage: unit-settings.py UNIT SAID"""
import re, sys
path, said = sys.argv[1:3]
units, section = {}, None
for number, raw in enumerate(open(path), 1):
    line = raw.strip()
    if not line or line[0] in "#;":
        continue
    if line.endswith("\\"):
        sys.exit(f"{path}:{number}: a continued line; this check reads one setting per line")
    if line.startswith("["):
        section = units.setdefault(line.strip("[]"), {})
        continue
    key, _, value = line.partition("=")
    section.setdefault(key.strip(), []).append(value.strip())

def get(sec, key):
    values = units.get(sec, {}).get(key)
    return values[-1] if values else None

def words(sec, key):
    return " ".join(units.get(sec, {}).get(key, [])).split()

def seconds(text):
    match = re.fullmatch(r"(\d+)\s*(s|sec|min|m)?", text or "")
    return None if not match else int(match[1]) * (60 if match[2] in ("min", "m") else 1)

s = "Service"
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)

need(get(s, "Type") == "notify", f"Type={get(s, 'Type')}, not notify")
need(get(s, "Restart") == "always", f"Restart={get(s, 'Restart')}, not always")
need(get("Unit", "StartLimitIntervalSec") == "0" or get(s, "StartLimitIntervalSec") == "0",
     "a start limit (StartLimitIntervalSec=0 missing): systemd would give up restarting")
watchdog = seconds(get(s, "WatchdogSec"))
need(watchdog is not None and watchdog > 0, f"WatchdogSec={get(s, 'WatchdogSec')}, not a positive time")
need(get(s, "NotifyAccess") in (None, "main", "all", "exec"), f"NotifyAccess={get(s, 'NotifyAccess')}")
exec_start = get(s, "ExecStart") or ""
need(exec_start.startswith("/usr/local/bin/loa-receiver ") and "--config /etc/loa/receiver.conf" in exec_start,
     f"ExecStart={exec_start}, not /usr/local/bin/loa-receiver --config /etc/loa/receiver.conf")
need(get(s, "User") == "loa", f"User={get(s, 'User')}, not the dedicated loa")
need(get(s, "DynamicUser") in (None, "no", "false"), "DynamicUser: not the dedicated loa user")
need("audio" in words(s, "SupplementaryGroups") or get(s, "Group") == "audio", "no audio group")
need(get(s, "ProtectSystem") == "strict", f"ProtectSystem={get(s, 'ProtectSystem')}, not strict")
need(get(s, "StateDirectory") == "loa", f"StateDirectory={get(s, 'StateDirectory')}, not loa (/var/lib/loa)")
for key in ("ReadWritePaths", "RuntimeDirectory", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory"):
    need(key not in units.get(s, {}), f"{key}= makes a writable place besides /var/lib/loa")
need(get(s, "ProtectHome") in ("yes", "read-only", "tmpfs"), f"ProtectHome={get(s, 'ProtectHome')}: home folders writable")
need(get(s, "PrivateTmp") in ("yes", "true"), "no PrivateTmp: /tmp writable and shared")
need(get(s, "WorkingDirectory") in (None, "/var/lib/loa"), f"WorkingDirectory={get(s, 'WorkingDirectory')}")
policy, priority, limit = get(s, "CPUSchedulingPolicy"), get(s, "CPUSchedulingPriority"), get(s, "LimitRTPRIO")
need(policy in ("fifo", "rr"), f"CPUSchedulingPolicy={policy}, not real-time (fifo or rr)")
need(priority is not None and priority.isdigit() and 1 <= int(priority) <= 99, f"CPUSchedulingPriority={priority}")
# The receiver raises its loop to priority 20 itself (sched_setscheduler), allowed by RLIMIT_RTPRIO.
need(limit is not None and limit.isdigit() and int(limit) >= 20, f"LimitRTPRIO={limit}: the receiver asks for 20")
need(get(s, "RestrictRealtime") in (None, "no", "false"), "RestrictRealtime=yes forbids the real-time scheduling")
if get(s, "DevicePolicy") in ("closed", "strict"):
    need(any(d.startswith(("char-alsa", "/dev/snd")) for d in units[s].get("DeviceAllow", [])), "sound devices not allowed")
families = words(s, "RestrictAddressFamilies")
need(not families or {"AF_INET", "AF_UNIX", "AF_NETLINK"} <= set(families),
     f"RestrictAddressFamilies={' '.join(families)}: needs AF_INET (UDP), AF_UNIX (notify), AF_NETLINK (interfaces)")
need(get("Install", "WantedBy") == "multi-user.target", f"WantedBy={get('Install', 'WantedBy')}: provision enables it for multi-user.target")
for problem in problems:
    print(problem)
print(f"{said}Type=notify, Restart=always (no start limit), WatchdogSec={get(s, 'WatchdogSec')}, "
      f"User=loa with audio, ProtectSystem=strict, writable only /var/lib/loa (StateDirectory), "
      f"{policy} priority {priority} (LimitRTPRIO={limit})")
sys.exit(1 if problems else 0)
