"""Runs a receiver (the command after `--`) with $NOTIFY_SOCKET and WATCHDOG_USEC=1 s until it has pinged the
watchdog three times, stops it, and checks what it told systemd: READY=1 first, a STATUS=playing zone 'all' line,
at least three WATCHDOG=1, STOPPING=1 last. Prints the counts of each kind; exits non-zero if any is missing.

usage: notify.py WORK CONTROLLER GROUP -- RECEIVER..."""
import collections
import os
import socket
import subprocess
import sys
import time

work, controller, group = sys.argv[1:4]
receiver_command = sys.argv[sys.argv.index("--") + 1 :]
path = os.path.join(work, "notify.sock")
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(path)
server.settimeout(0.2)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
receiver = subprocess.Popen(receiver_command + ["--group", group, "--device", "arm", "--stats-interval", "0",
                                                "--controller", controller, "--trust", os.path.join(work, "root.pub"),
                                                "--state-dir", os.path.join(work, "notify-state")],
                            env=env, stderr=subprocess.DEVNULL)
messages = []
deadline = time.monotonic() + 60
while time.monotonic() < deadline and messages.count("WATCHDOG=1") < 3:
    try:
        messages.append(server.recv(4096).decode())
    except socket.timeout:
        pass
receiver.terminate()
receiver.wait(timeout=30)
server.settimeout(1)
try:
    while True:
        messages.append(server.recv(4096).decode())
except socket.timeout:
    pass
kinds = collections.Counter(m.split("=")[0] for m in messages)
print(", ".join(f"{k}×{n}" for k, n in kinds.items()))
ok = messages and messages[0] == "READY=1" and kinds["WATCHDOG"] >= 3 and messages[-1] == "STOPPING=1"
ok = ok and any(m.startswith("STATUS=playing zone 'all'") for m in messages)
sys.exit(0 if ok else 1)
