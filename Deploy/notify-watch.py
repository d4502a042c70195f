"""Runs a service (the command after `--`) as systemd runs a Type=notify unit with a watchdog: a $NOTIFY_SOCKET and
WATCHDOG_USEC. Once it has pinged the watchdog PINGS times (within 60 s), stops it with SIGTERM, and checks what it
said: READY=1 first, at least PINGS WATCHDOG=1, STOPPING=1 last and after the SIGTERM, with `--status PREFIX` a
STATUS= line that starts with PREFIX, and an exit status of 0. Prints the count of each kind and the exit status;
exits non-zero if anything is missing. Used by Deploy/check-unit (the controller) and Firmware/checks/06-notify.sh
(the receiver).

usage: notify-watch.py WORK WATCHDOG_USEC PINGS [--status PREFIX] -- COMMAND..."""
import collections
import os
import socket
import subprocess
import sys
import time

split = sys.argv.index("--")
options, command = sys.argv[1:split], sys.argv[split + 1 :]
work, watchdog_usec, pings = options[0], options[1], int(options[2])
status_prefix = options[options.index("--status") + 1] if "--status" in options else None
path = os.path.join(work, "notify.sock")
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(path)
server.settimeout(0.2)
service = subprocess.Popen(command, env=dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=watchdog_usec),
                           stderr=open(os.path.join(work, "notified-service.log"), "w"))
messages = []
deadline = time.monotonic() + 60
while time.monotonic() < deadline and messages.count("WATCHDOG=1") < pings and service.poll() is None:
    try:
        messages.append(server.recv(4096).decode())
    except socket.timeout:
        pass
before_stop = len(messages)
service.terminate()
status = service.wait(timeout=30)
server.settimeout(1)
try:
    while True:
        messages.append(server.recv(4096).decode())
except socket.timeout:
    pass
kinds = collections.Counter(m.split("=")[0] for m in messages)
print(", ".join(f"{k}×{n}" for k, n in kinds.items()) + f", exit status {status} after SIGTERM")
ok = messages[:1] == ["READY=1"] and kinds["WATCHDOG"] >= pings
ok = ok and messages[-1] == "STOPPING=1" and "STOPPING=1" in messages[before_stop:]
if status_prefix is not None:
    ok = ok and any(m.startswith("STATUS=" + status_prefix) for m in messages)
sys.exit(0 if ok and status == 0 else 1)
