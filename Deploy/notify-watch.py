"""Runs a service (the command after `--`) as systemd would with Type=notify and WatchdogSec=2: a $NOTIFY_SOCKET
and WATCHDOG_USEC=2000000. Once it has pinged the watchdog twice, stops it with SIGTERM, and checks what it said:
READY=1 before any ping, at least two WATCHDOG=1, STOPPING=1 after the SIGTERM, and an exit status of 0. Prints the
count of each kind; exits non-zero if anything is missing.

usage: notify-watch.py WORK -- COMMAND..."""
import collections
import os
import socket
import subprocess
import sys
import time

work = sys.argv[1]
command = sys.argv[sys.argv.index("--") + 1 :]
path = os.path.join(work, "notify.sock")
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(path)
server.settimeout(0.2)
service = subprocess.Popen(command, env=dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000"),
                           stderr=open(os.path.join(work, "service.log"), "w"))
messages = []
deadline = time.monotonic() + 60
while time.monotonic() < deadline and messages.count("WATCHDOG=1") < 2 and service.poll() is None:
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
ok = messages[:1] == ["READY=1"] and kinds["WATCHDOG"] >= 2 and "STOPPING=1" in messages[before_stop:]
sys.exit(0 if ok and status == 0 else 1)
