#!/usr/bin/env python3
"""Report of "make bench": medians over boots, ratio ours/mainline.

Usage: bench-report.py BENCH_DIR OURS_VERSION MAINLINE_VERSION
Reads BENCH_DIR/raw.csv (scripts/bench.sh) and BENCH_DIR/sizes.csv
(scripts/struct-sizes.sh), prints the tables, writes summary.csv and,
when gnuplot is installed, restore.png.
"""
import csv
import os
import statistics
import subprocess
import sys
from collections import defaultdict

bdir, v_ours, v_ml = sys.argv[1:4]
raw = defaultdict(list)
units = {}
rounds = set()
with open(os.path.join(bdir, "raw.csv")) as f:
    for row in csv.DictReader(f):
        key = (row["metric"], int(row["param"]), row["mode"])
        raw[key, row["kernel"]].append(float(row["value"]))
        units[key] = row["unit"]
        rounds.add(row["round"])

med = {k: statistics.median(v) for k, v in raw.items()}
keys = sorted(units, key=lambda k: (k[0], k[1], k[2]))


def get(kernel, metric, param, mode):
    return med.get(((metric, param, mode), kernel))


def ratio(metric, param, mode):
    o, m = get("ours", metric, param, mode), get("mainline", metric, param, mode)
    if o is None or m is None or m == 0:
        return None
    return o / m


def fmt(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def fratio(r):
    return "-" if r is None else f"{r:.2f}"


def ratio_to(metric, param, mode, peer):
    o, m = get("ours", metric, param, mode), get(peer, metric, param, mode)
    if o is None or m is None or m == 0:
        return None
    return o / m


with open(os.path.join(bdir, "summary.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["metric", "param", "mode", "unit", "ours", "base", "mainline",
                "ours/mainline", "ours/base"])
    for k in keys:
        r, rb = ratio(*k), ratio_to(*k, "base")
        w.writerow([k[0], k[1], k[2], units[k],
                    get("ours", *k), get("base", *k), get("mainline", *k),
                    "" if r is None else f"{r:.3f}", "" if rb is None else f"{rb:.3f}"])

print(f"kvm-bench: ours = Linux {v_ours} + series, base = Linux {v_ours} unpatched, "
      f"mainline = Linux {v_ml}")
print(f"medians over {len(rounds)} boots of each kernel (rotating order), each the median "
      "of its repetitions; QEMU TCG, 2 guest CPUs")
print("/ml = ours / mainline, /base = ours / unpatched 6.1 (what the series itself costs)")


def row3(label, k, digits=0):
    return (f"{label} {fmt(get('ours', *k), digits):>10} {fmt(get('base', *k), digits):>10} "
            f"{fmt(get('mainline', *k), digits):>10} {fratio(ratio(*k)):>6} "
            f"{fratio(ratio_to(*k, 'base')):>6}")


HDR = f"{'ours':>10} {'base':>10} {'mainline':>10} {'/ml':>6} {'/base':>6}"
print()
print("1. Restore: KVM_GET_REG_LIST, GET_ONE_REG and SET_ONE_REG of every register of every vCPU")
vcpus = sorted({k[1] for k in keys if k[0] == "restore-ms-per-vm"})
regs = "/".join(fmt(get(kern, "restore-regs-per-vcpu", vcpus[0], "single"))
                for kern in ("ours", "base", "mainline")) if vcpus else "-"
print(f"   registers per vCPU (ours/base/mainline): {regs}")


def row_once(label, metric, n, mode, digits):
    """A -once row: ours only; /ml and /base against the FULL restores of
    mainline and unpatched 6.1, then ours -once / ours full."""
    full = mode[:-len("-once")]
    o = get("ours", metric, n, mode)
    r_ml, r_b, r_o = (None if o is None or not get(k, metric, n, full) else
                      o / get(k, metric, n, full) for k in ("mainline", "base", "ours"))
    return (f"{label} {fmt(o, digits):>10} {'-':>10} {'-':>10} {fratio(r_ml):>6} "
            f"{fratio(r_b):>6}  once/full {fratio(r_o)}")


# -once modes (out of tree): their registers per vCPU count only those
# restored on that vCPU, so per-register numbers are not comparable with
# the full modes'; only ms per VM is shown for them.
for metric, title, digits, once in (("restore-ns-per-reg", "ns per register (wall)", 0, False),
                                    ("restore-ms-per-vm", "ms per VM (wall)", 1, True),
                                    ("restore-set-ns", "ns per SET_ONE_REG (per thread)", 0, False)):
    print(f"   {title}")
    print(f"   {'vCPUs':>5} {'mode':<13} {HDR}")
    for n in vcpus:
        for mode in ("single", "parallel") + (("single-once", "parallel-once") if once else ()):
            if mode.endswith("-once"):
                if get("ours", metric, n, mode) is not None:
                    print("   " + row_once(f"{n:>5} {mode:<13}", metric, n, mode, digits))
                continue
            print("   " + row3(f"{n:>5} {mode:<13}", (metric, n, mode), digits))
rej = [(k, kern, get(kern, *k)) for k in keys if k[0] == "restore-rejected"
       for kern in ("ours", "base", "mainline") if get(kern, *k)]
print("   writes of the value just read that were rejected: "
      + ("none" if not rej else ", ".join(f"{kern} {k[1]} {k[2]}: {v:.0f}" for k, kern, v in rej)))
print("   ns per register = wall time / (vCPUs x registers), GET_REG_LIST included; "
      "parallel: one thread per vCPU")
print("   -once (ours only, out-of-tree KVM_CAP_ARM_OOT_REG_SCOPE): the VM-scoped registers "
      "through vCPU 0 only; ms per VM only (fewer registers restored per vCPU, so no "
      "per-register rows); /ml and /base against the full restores, once/full against ours")
print()
print("2. Guest reads (MRS in a loop; ns per read)")
print(f"{'register':<18} {HDR}")
for k in keys:
    if k[0].startswith("guest-read-"):
        print(row3(f"{k[0][len('guest-read-'):]:<18}", k))
print()
print("3. vCPU exits (ns per round trip)")
print(f"{'exit':<18} {'pvtime':<7} {HDR}")
for metric, label in (("exit-to-user", "MMIO to userspace"),
                      ("exit-hvc-in-kernel", "HVC in the kernel")):
    for pv in ("off", "on"):
        print(row3(f"{label:<18} {pv:<7}", (metric, 1, f"pvtime-{pv}")))
print()
print("4. Memory")
sizes = {}
try:
    with open(os.path.join(bdir, "sizes.csv")) as f:
        for row in csv.DictReader(f):
            sizes[row["structure"]] = row
except OSError:
    pass
if sizes:
    print(f"{'object (bytes)':<24} {'6.1 base':>9} {'ours':>7} {'added':>7} {'mainline':>9}")
    for s in ("kvm", "kvm_arch", "kvm_vcpu", "kvm_vcpu_arch"):
        row = sizes.get(s)
        if not row:
            continue
        added = "-" if row["base"] == "-" else f"{int(row['series']) - int(row['base']):+d}"
        print(f"{'struct ' + s:<24} {row['base']:>9} {row['series']:>7} {added:>7} {row['mainline']:>9}")
print(f"{'kernel memory, KiB':<18} {'':<7} {HDR}")
for n in (1, 256):
    print(row3(f"{'VM, ' + str(n) + ' vCPU(s)':<18} {'':<7}", ("memory-vm-kib", n, "kernel")))
per = []
for kern in ("ours", "base", "mainline"):
    a, b = get(kern, "memory-vm-kib", 1, "kernel"), get(kern, "memory-vm-kib", 256, "kernel")
    per.append(None if None in (a, b) else (b - a) / 255)
print(f"{'per added vCPU':<18} {'':<7} " + " ".join(f"{fmt(v, 1):>10}" for v in per))
print("   (fresh boot, first VM; a 1-vCPU VM fits in memory the allocator already holds)")
print()
print("5. Calls: ns per call, one vCPU (where a ONE_REG call spends its time)")
print(f"{'call':<22} {HDR}")
for k in keys:
    if k[0] == "call-ns":
        print(row3(f"{k[2]:<22}", k))
print()
print("Targets")
for mode in ("single", "parallel"):
    r, rb = ratio("restore-ns-per-reg", 64, mode), ratio_to("restore-ns-per-reg", 64, mode, "base")
    print(f"  restore at 64 vCPUs, {mode:<8}: ours/mainline {fratio(r)} "
          f"{'(met: <= 1.0)' if r is not None and r <= 1.0 else '(MISSED: > 1.0)'}, "
          f"ours/unpatched 6.1 {fratio(rb)}")
# Write-once (out of tree): the whole VM's restore time, ours with the
# VM-scoped registers written once against mainline writing them per vCPU.
for mode in ("single", "parallel"):
    o, m = get("ours", "restore-ms-per-vm", 64, mode + "-once"), get("mainline", "restore-ms-per-vm", 64, mode)
    if o is None or m is None:
        continue
    r = o / m
    f = get("ours", "restore-ms-per-vm", 64, mode)
    print(f"  restore at 64 vCPUs, {mode:<8} write-once: ours/mainline {fratio(r)} "
          f"{'(met: <= 0.85)' if r <= 0.85 else '(MISSED: > 0.85)'} (ms per VM)")
    print(f"  restore at 64 vCPUs, {mode:<8} write-once: ours write-once / ours full restore "
          f"{fratio(None if not f else o / f)} (ms per VM)")
if "kvm_vcpu" in sizes and sizes["kvm_vcpu"]["base"] != "-":
    d = int(sizes["kvm_vcpu"]["series"]) - int(sizes["kvm_vcpu"]["base"])
    print(f"  struct kvm_vcpu grows by {d} bytes (CLIDR_EL1 slot and CCSIDR pointer: "
          "per-vCPU registers in mainline too); VM-scoped state lives in struct kvm")

# Restore curve: ms per VM against vCPUs, both kernels, both modes.
dat = os.path.join(bdir, "restore.dat")
with open(dat, "w") as f:
    f.write("# vcpus ours-single mainline-single ours-parallel mainline-parallel "
            "base-single base-parallel\n")
    for n in vcpus:
        vals = [get(k, "restore-ms-per-vm", n, m) for m in ("single", "parallel")
                for k in ("ours", "mainline")]
        vals += [get("base", "restore-ms-per-vm", n, m) for m in ("single", "parallel")]
        f.write(f"{n} " + " ".join("NaN" if v is None else f"{v:.3f}" for v in vals) + "\n")
png = os.path.join(bdir, "restore.png")
script = f"""
set terminal pngcairo size 900,600 noenhanced
set output '{png}'
set title 'Guest-ABI restore (GET_REG_LIST + GET/SET_ONE_REG of every register), QEMU TCG'
set xlabel 'vCPUs'
set ylabel 'ms per VM (median)'
set logscale xy
set key top left
set grid
plot '{dat}' using 1:2 with linespoints title 'ours {v_ours}, one thread', \\
     '{dat}' using 1:3 with linespoints title 'mainline {v_ml}, one thread', \\
     '{dat}' using 1:4 with linespoints title 'ours {v_ours}, thread per vCPU', \\
     '{dat}' using 1:5 with linespoints title 'mainline {v_ml}, thread per vCPU', \\
     '{dat}' using 1:6 with linespoints dashtype 2 title 'unpatched {v_ours}, one thread', \\
     '{dat}' using 1:7 with linespoints dashtype 2 title 'unpatched {v_ours}, thread per vCPU'
"""
try:
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    print(f"\nplot: {png}; numbers: {os.path.join(bdir, 'summary.csv')}, "
          f"{os.path.join(bdir, 'raw.csv')}")
except (OSError, subprocess.CalledProcessError) as e:
    print(f"\nplot not written ({e}); numbers: {os.path.join(bdir, 'summary.csv')}")
