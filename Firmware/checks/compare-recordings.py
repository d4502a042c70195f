"""Compares raw 16-bit recordings with the first (the x86 receiver's): each must have its length and no sample more
than 1 LSB apart, and the first must be loud. Prints one line; exits non-zero if any differs."""
import array
import os
import sys

x86 = array.array("h", open(sys.argv[1], "rb").read())
loud = max((abs(s) for s in x86), default=0)
report, ok = [], len(x86) > 0 and loud > 1000
for path in sys.argv[2:]:
    name = os.path.basename(path).removesuffix(".raw")
    arm = array.array("h", open(path, "rb").read())
    if len(arm) != len(x86):
        report.append(f"{name}: {len(arm)} samples, x86 {len(x86)}")
        ok = False
        continue
    differ = sum(1 for a, b in zip(x86, arm) if a != b)
    worst = max((abs(a - b) for a, b in zip(x86, arm)), default=0)
    report.append(f"{name} " + ("bit-identical" if differ == 0 else f"{differ} samples differ, by at most {worst} LSB"))
    ok = ok and worst <= 1
print(f"{len(x86)} samples ({len(x86) / 48000:.2f} s, peak {loud}): " + "; ".join(report))
sys.exit(0 if ok else 1)
