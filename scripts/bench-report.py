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


with open(os.path.join(bdir, "summary.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["metric", "param", "mode", "unit", "ours", "mainline", "ratio"])
    for k in keys:
        r = ratio(*k)
        w.writerow([k[0], k[1], k[2], units[k],
                    get("ours", *k), get("mainline", *k),
                    "" if r is None else f"{r:.3f}"])

print(f"kvm-bench: ours = Linux {v_ours} + series, mainline = Linux {v_ml}")
print(f"medians over {len(rounds)} boots of each kernel (alternating), each the median "
      "of its repetitions; QEMU TCG, 2 guest CPUs; ratio = ours / mainline")
print()
print("1. Restore: KVM_GET_REG_LIST, GET_ONE_REG and SET_ONE_REG of every register of every vCPU")
print(f"{'vCPUs':>5} {'mode':<9} {'regs/vCPU':>13} {'ns/reg ours':>12} {'mainline':>9} "
      f"{'ratio':>6} {'ms/VM ours':>11} {'mainline':>9} {'ratio':>6} {'set ns ours':>12} {'mainline':>9}")
vcpus = sorted({k[1] for k in keys if k[0] == "restore-ms-per-vm"})
for n in vcpus:
    for mode in ("single", "parallel"):
        regs = f"{fmt(get('ours', 'restore-regs-per-vcpu', n, mode))}/" \
               f"{fmt(get('mainline', 'restore-regs-per-vcpu', n, mode))}"
        print(f"{n:>5} {mode:<9} {regs:>13} "
              f"{fmt(get('ours', 'restore-ns-per-reg', n, mode)):>12} "
              f"{fmt(get('mainline', 'restore-ns-per-reg', n, mode)):>9} "
              f"{fratio(ratio('restore-ns-per-reg', n, mode)):>6} "
              f"{fmt(get('ours', 'restore-ms-per-vm', n, mode), 1):>11} "
              f"{fmt(get('mainline', 'restore-ms-per-vm', n, mode), 1):>9} "
              f"{fratio(ratio('restore-ms-per-vm', n, mode)):>6} "
              f"{fmt(get('ours', 'restore-set-ns', n, mode)):>12} "
              f"{fmt(get('mainline', 'restore-set-ns', n, mode)):>9}")
rej = [(k, get(kern, *k)) for k in keys if k[0] == "restore-rejected"
       for kern in ("ours", "mainline") if get(kern, *k)]
print("   writes of the value just read that were rejected: "
      + ("none" if not rej else ", ".join(f"{k[1]} {k[2]}: {v:.0f}" for k, v in rej)))
print("   ns/reg = wall time / (vCPUs x registers), GET_REG_LIST included; "
      "parallel: one thread per vCPU")
print()
print("2. Guest reads (MRS in a loop; ns per read)")
print(f"{'register':<18} {'ours':>8} {'mainline':>9} {'ratio':>6}")
for k in keys:
    if k[0].startswith("guest-read-"):
        print(f"{k[0][len('guest-read-'):]:<18} {fmt(get('ours', *k)):>8} "
              f"{fmt(get('mainline', *k)):>9} {fratio(ratio(*k)):>6}")
print()
print("3. vCPU exits (ns per round trip)")
print(f"{'exit':<22} {'pvtime':<7} {'ours':>8} {'mainline':>9} {'ratio':>6}")
for metric, label in (("exit-to-user", "MMIO to userspace"),
                      ("exit-hvc-in-kernel", "HVC in the kernel")):
    for pv in ("off", "on"):
        k = (metric, 1, f"pvtime-{pv}")
        print(f"{label:<22} {pv:<7} {fmt(get('ours', *k)):>8} "
              f"{fmt(get('mainline', *k)):>9} {fratio(ratio(*k)):>6}")
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
for n in (1, 256):
    k = ("memory-vm-kib", n, "kernel")
    print(f"kernel memory, VM with {n:>3} vCPU(s), KiB {fmt(get('ours', *k)):>9} "
          f"{fmt(get('mainline', *k)):>9} {fratio(ratio(*k)):>6}")
o1, o256 = get("ours", "memory-vm-kib", 1, "kernel"), get("ours", "memory-vm-kib", 256, "kernel")
m1, m256 = get("mainline", "memory-vm-kib", 1, "kernel"), get("mainline", "memory-vm-kib", 256, "kernel")
if None not in (o1, o256, m1, m256):
    print(f"kernel memory per added vCPU, KiB         {(o256 - o1) / 255:>9.1f} {(m256 - m1) / 255:>9.1f}")
print()
print("Targets")
for mode in ("single", "parallel"):
    r = ratio("restore-ns-per-reg", 64, mode)
    print(f"  restore at 64 vCPUs, {mode:<8}: ratio {fratio(r)} "
          f"{'(met: <= 1.0)' if r is not None and r <= 1.0 else '(MISSED: > 1.0)'}")
if "kvm_vcpu" in sizes and sizes["kvm_vcpu"]["base"] != "-":
    d = int(sizes["kvm_vcpu"]["series"]) - int(sizes["kvm_vcpu"]["base"])
    print(f"  struct kvm_vcpu grows by {d} bytes (CLIDR_EL1 slot and CCSIDR pointer: "
          "per-vCPU registers in mainline too); VM-scoped state lives in struct kvm")

# Restore curve: ms per VM against vCPUs, both kernels, both modes.
dat = os.path.join(bdir, "restore.dat")
with open(dat, "w") as f:
    f.write("# vcpus ours-single mainline-single ours-parallel mainline-parallel\n")
    for n in vcpus:
        vals = [get(k, "restore-ms-per-vm", n, m) for m in ("single", "parallel")
                for k in ("ours", "mainline")]
        f.write(f"{n} " + " ".join("NaN" if v is None else f"{v:.3f}" for v in
                                   (vals[0], vals[1], vals[2], vals[3])) + "\n")
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
     '{dat}' using 1:5 with linespoints title 'mainline {v_ml}, thread per vCPU'
"""
try:
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    print(f"\nplot: {png}; numbers: {os.path.join(bdir, 'summary.csv')}, "
          f"{os.path.join(bdir, 'raw.csv')}")
except (OSError, subprocess.CalledProcessError) as e:
    print(f"\nplot not written ({e}); numbers: {os.path.join(bdir, 'summary.csv')}")
