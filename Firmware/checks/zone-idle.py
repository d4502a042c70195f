"""Reads `loa status --json` on stdin; exits 0 if the zone named by the argument plays nothing and has nothing queued."""
import json
import sys

zone = [z for z in json.load(sys.stdin)["zones"] if z["name"] == sys.argv[1]][0]
sys.exit(0 if not zone.get("playing") and not zone.get("queued") else 1)
