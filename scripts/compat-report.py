#!/usr/bin/env python3
"""The verdicts of "make compat" from its console logs (scripts/compat.sh).

build/compat/CPU/source-K.log: kernel K ran the L2 guest and saved it;
build/compat/CPU/dest-K.log: kernel K loaded every saved state in turn.
The markers are those of guest/compat/l1.sh, the guest's lines those of
guest/l2/l2.c.  A cell source->destination is "ok" only if QEMU loaded
the state, the guest went on counting from where it was (no restart) and
every value it read after the migration equals what it read on the
source: every complete report after the migration (and each of the
source's own) equals the source's report 0, the guest itself saw no
difference from its report 0 (its DIFF lines, carried over in its
memory), and the virtual counter neither went back nor jumped more than
MAX_VCT_JUMP seconds across the migration (QEMU stops it while the VM is
stopped).  A report cut by the migration or by QEMU's exit (no END line,
or fewer registers than report 0) is not compared.  Otherwise: QEMU's
own error lines, the registers the guest saw change, and a diagnosis
(register lists of both kernels, the registers KVM refused when the
source's list was written into a fresh vCPU, the failed ioctls of QEMU
under strace).

Usage: compat-report.py --dir D --cpus "max ..." --pairs "base:patched ..."
                        [--csv F] [--gnuplot F] [--check]
Exit status 1 when a required cell failed.
"""
import argparse
import csv
import os
import re
import sys

REQUIRED = {("patched", "patched"), ("base", "patched"),
            ("patched", "base"), ("patched", "mainline")}
# Seconds the virtual counter may advance between the last report on the
# source and the first on the destination (about 1 s of guest time
# between reports; QEMU's "kvm-adjvtime" keeps it still while stopped).
MAX_VCT_JUMP = 120
KERNEL_NAMES = {"base": "unpatched 6.1", "patched": "patched",
                "mainline": "mainline 6.12"}

ID_NAMES = {
    (1, 0): "ID_PFR0_EL1", (1, 1): "ID_PFR1_EL1", (1, 2): "ID_DFR0_EL1",
    (1, 3): "ID_AFR0_EL1", (1, 4): "ID_MMFR0_EL1", (1, 5): "ID_MMFR1_EL1",
    (1, 6): "ID_MMFR2_EL1", (1, 7): "ID_MMFR3_EL1", (2, 0): "ID_ISAR0_EL1",
    (2, 1): "ID_ISAR1_EL1", (2, 2): "ID_ISAR2_EL1", (2, 3): "ID_ISAR3_EL1",
    (2, 4): "ID_ISAR4_EL1", (2, 5): "ID_ISAR5_EL1", (2, 6): "ID_MMFR4_EL1",
    (2, 7): "ID_ISAR6_EL1", (3, 0): "MVFR0_EL1", (3, 1): "MVFR1_EL1",
    (3, 2): "MVFR2_EL1", (3, 4): "ID_PFR2_EL1", (3, 5): "ID_DFR1_EL1",
    (3, 6): "ID_MMFR5_EL1", (4, 0): "ID_AA64PFR0_EL1",
    (4, 1): "ID_AA64PFR1_EL1", (4, 4): "ID_AA64ZFR0_EL1",
    (4, 5): "ID_AA64SMFR0_EL1", (5, 0): "ID_AA64DFR0_EL1",
    (5, 1): "ID_AA64DFR1_EL1", (5, 4): "ID_AA64AFR0_EL1",
    (5, 5): "ID_AA64AFR1_EL1", (6, 0): "ID_AA64ISAR0_EL1",
    (6, 1): "ID_AA64ISAR1_EL1", (6, 2): "ID_AA64ISAR2_EL1",
    (7, 0): "ID_AA64MMFR0_EL1", (7, 1): "ID_AA64MMFR1_EL1",
    (7, 2): "ID_AA64MMFR2_EL1", (7, 3): "ID_AA64MMFR3_EL1",
    (7, 4): "ID_AA64MMFR4_EL1",
}
SYS_NAMES = {
    (3, 0, 0, 0, 0): "MIDR_EL1", (3, 0, 0, 0, 5): "MPIDR_EL1",
    (3, 0, 0, 0, 6): "REVIDR_EL1", (3, 1, 0, 0, 0): "CCSIDR_EL1",
    (3, 1, 0, 0, 1): "CLIDR_EL1", (3, 1, 0, 0, 7): "AIDR_EL1",
    (3, 2, 0, 0, 0): "CSSELR_EL1", (3, 3, 0, 0, 1): "CTR_EL0",
    (3, 3, 14, 3, 1): "CNTV_CTL_EL0(TIMER_CTL)",
    (3, 3, 14, 3, 2): "CNTVCT_EL0(TIMER_CNT)",
    (3, 3, 14, 0, 2): "CNTV_CVAL_EL0(TIMER_CVAL)",
    (3, 3, 9, 12, 0): "PMCR_EL0",
    (3, 0, 2, 0, 3): "TCR2_EL1", (3, 0, 10, 2, 2): "PIRE0_EL1",
    (3, 0, 10, 2, 3): "PIR_EL1", (3, 3, 14, 0, 1): "CNTPCT_EL0(PTIMER_CNT)",
    (3, 3, 14, 2, 1): "CNTP_CTL_EL0(PTIMER_CTL)",
    (3, 3, 14, 2, 2): "CNTP_CVAL_EL0(PTIMER_CVAL)",
}
FW_NAMES = {0: "KVM_REG_ARM_PSCI_VERSION",
            1: "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1",
            2: "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2",
            3: "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3"}
BMAP_NAMES = {0: "KVM_REG_ARM_STD_BMAP", 1: "KVM_REG_ARM_STD_HYP_BMAP",
              2: "KVM_REG_ARM_VENDOR_HYP_BMAP"}


def reg_name(rid):
    """A KVM register ID (KVM_GET_REG_LIST) by name."""
    coproc = (rid >> 16) & 0xffff
    low = rid & 0xffff
    if coproc == 0x13:
        op0, op1 = low >> 14, (low >> 11) & 7
        crn, crm, op2 = (low >> 7) & 15, (low >> 3) & 15, low & 7
        if (op0, op1, crn) == (3, 0, 0) and crm >= 1 and (crm, op2) in ID_NAMES:
            return ID_NAMES[(crm, op2)]
        return SYS_NAMES.get((op0, op1, crn, crm, op2),
                             "S%d_%d_C%d_C%d_%d" % (op0, op1, crn, crm, op2))
    if coproc == 0x11:
        return "CCSIDR[%d]" % (low & 0xff)
    if coproc == 0x14:
        return FW_NAMES.get(low, "KVM_REG_ARM_FW(%d)" % low)
    if coproc == 0x16:
        return BMAP_NAMES.get(low, "KVM_REG_ARM_FW_FEAT_BMAP(%d)" % low)
    return "0x%x" % rid


def sections(lines, begin, end):
    """{tag: [lines]} of the blocks between '@@BEGIN tag' and '@@END tag'."""
    out, cur = {}, None
    for line in lines:
        if line.startswith(begin + " "):
            cur = line.split(" ", 1)[1].strip()
            out[cur] = []
        elif line.startswith(end + " ") and cur is not None:
            cur = None
        elif cur is not None:
            out[cur].append(line)
    return out


def read_log(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    lines = text.split("\n")
    log = {"path": path, "lines": lines,
           "booted": any(l.startswith("@@BOOTED") for l in lines),
           "host": [l for l in lines if l.startswith("@@HOST-")],
           "serial": sections(lines, "@@SERIAL-BEGIN", "@@SERIAL-END"),
           "run": {}, "err": {}, "strace": {}, "load": {}, "regs": None}
    for l in lines:
        m = re.match(r"@@RUN (\S+) (\S+) rc=(\d+)", l)
        if m:
            log["run"][m.group(1)] = (m.group(2), int(m.group(3)))
        for key, marker in (("err", "@@QEMU-ERR "), ("strace", "@@STRACE "),
                            ("load", "@@LOAD ")):
            if l.startswith(marker):
                parts = l[len(marker):].split(" ", 1)
                log[key].setdefault(parts[0], []).append(
                    parts[1] if len(parts) > 1 else "")
    regs = None
    for l in lines:
        if l.startswith("@@REGS-BEGIN"):
            regs = {}
        elif l.startswith("@@REGS-END"):
            break
        elif regs is not None:
            m = re.match(r"(0x[0-9a-f]+) (\S+)$", l)
            if m:
                regs[int(m.group(1), 16)] = m.group(2)
    log["regs"] = regs
    return log


def parse_serial(lines):
    """The L2 guest's output: START seen, every CNT value, every (CNTVCT_EL0,
    CNTFRQ_EL0), the reports that have their END line, and how many
    reports were cut (no END)."""
    out = {"start": False, "cnts": [], "vcts": [], "reports": [], "cut": 0}
    cur = None
    for l in lines:
        if l == "L2 START":
            out["start"] = True
            if cur is not None:
                out["cut"] += 1
            cur = None
            continue
        m = re.match(r"CNT (\d+) REPORT (\d+)$", l)
        if m:
            if cur is not None:
                out["cut"] += 1
            out["cnts"].append(int(m.group(1)))
            cur = {"cnt": int(m.group(1)), "n": int(m.group(2)),
                   "regs": {}, "diffs": [], "ndiffs": 0, "vct": None}
            continue
        if cur is None:
            continue
        m = re.match(r"TIME CNTVCT_EL0=(\d+) CNTFRQ_EL0=(\d+)$", l)
        if m:
            cur["vct"] = (int(m.group(1)), int(m.group(2)))
            out["vcts"].append(cur["vct"])
            continue
        m = re.match(r"REG (\S+)=(\S+)$", l)
        if m:
            cur["regs"][m.group(1)] = m.group(2)
            continue
        m = re.match(r"DIFF (\S+) before=(\S+) now=(\S+)$", l)
        if m:
            cur["diffs"].append(m.groups())
            continue
        m = re.match(r"END (\d+) diffs=(\d+)$", l)
        if m and int(m.group(1)) == cur["n"]:
            cur["ndiffs"] = int(m.group(2))
            out["reports"].append(cur)
        else:
            out["cut"] += 1
        cur = None
    if cur is not None:
        out["cut"] += 1
    return out


def short_error(errs):
    """QEMU's error lines, without the 'qemu-system-aarch64: ' prefix."""
    return "; ".join(e.replace("qemu-system-aarch64: ", "") for e in errs
                     if e.strip())


def diagnose(src_log, dst_log, tag):
    """Why a state was refused: register lists and KVM's refusals."""
    notes = []
    sregs, dregs = src_log["regs"] or {}, dst_log["regs"] or {}
    if sregs and dregs:
        notes.append("registers: source %d, destination %d"
                     % (len(sregs), len(dregs)))
        only_src = [r for r in sorted(sregs) if r not in dregs]
        only_dst = [r for r in sorted(dregs) if r not in sregs]
        if only_src:
            notes.append("only the source has: " +
                         ", ".join(reg_name(r) for r in only_src))
        if only_dst:
            notes.append("only the destination has: " +
                         ", ".join(reg_name(r) for r in only_dst))
    for l in dst_log["load"].get(tag, []):
        m = re.match(r"reject (0x[0-9a-f]+) (0x[0-9a-f]+) (\S+)", l)
        if m:
            rid = int(m.group(1), 16)
            notes.append("KVM refuses %s=%s (%s; %s has %s)" % (
                reg_name(rid), m.group(2), m.group(3),
                "destination", dregs.get(rid, "no such register")))
    for l in dst_log["strace"].get(tag, []):
        m = re.match(r"(\d+) .*KVM_SET_ONE_REG.*= (-1 \w+|\d+)", l)
        if m and m.group(2).startswith("-1"):
            notes.append("strace: QEMU's KVM_SET_ONE_REG failed %s time(s) with %s"
                         % (m.group(1), m.group(2)[3:]))
    return notes


def is_unknown(name, regs):
    """A CCSIDR_EL1 read whose CSSELR selects a cache that the CLIDR_EL1 the
    guest read does not describe: the Arm ARM makes it CONSTRAINED
    UNPREDICTABLE (UNKNOWN value, UNDEFINED or NOP), so no guest can
    depend on it, and kernels differ there (6.1: the hardware's value,
    mainline: a value made up from CTR_EL0)."""
    m = re.match(r"CCSIDR_EL1\[(\d+)\]$", name)
    if not m or "CLIDR_EL1" not in regs:
        return False
    csselr = int(m.group(1))
    ctype = (int(regs["CLIDR_EL1"], 16) >> (3 * (csselr >> 1))) & 7
    if csselr & 1:
        return ctype not in (1, 3)	# instruction cache: I only, separate
    return ctype not in (2, 3, 4)	# data or unified cache


def changes(before, reports):
    """(changed, unknown) "NAME before->after" of the registers of report
    0 (before) that differ in any of reports, the first new value each."""
    changed, unknown = [], []
    for name, v in before.items():
        after = [r["regs"].get(name) for r in reports]
        if any(a != v for a in after):
            d = "%s %s->%s" % (name, v, next(a for a in after if a != v))
            (unknown if is_unknown(name, before) else changed).append(d)
    return changed, unknown


def guest_diffs(before, reports):
    """What the guest itself found different from its report 0 in reports:
    its DIFF lines (UNKNOWN values aside) and the differences it counted
    but whose DIFF line is missing."""
    out = []
    for r in reports:
        for name, b, n in r["diffs"]:
            if not is_unknown(name, before):
                out.append("%s %s->%s (report %d)" % (name, b, n, r["n"]))
        if r["ndiffs"] > len(r["diffs"]):
            out.append("%d more in report %d (END %d diffs=%d)" % (
                r["ndiffs"] - len(r["diffs"]), r["n"], r["n"], r["ndiffs"]))
    return out


def cell(d, cpu, src, dst):
    """(result, error, changed registers, notes) of one cell."""
    slog = read_log(os.path.join(d, cpu, "source-%s.log" % src))
    dlog = read_log(os.path.join(d, cpu, "dest-%s.log" % dst))
    if slog is None or not slog["booted"]:
        return "FAIL", "source %s did not boot" % src, [], []
    st = slog["run"].get(src)
    if st is None or st[0] != "ok":
        err = short_error(slog["err"].get(src, [])) or " ".join(slog["host"])
        return "FAIL", "source: %s %s" % (st[0] if st else "no run", err), [], []
    ss = parse_serial(slog["serial"].get(src, []))
    if not ss["reports"] or not ss["reports"][0]["regs"]:
        return "FAIL", "source: the guest printed no complete report", [], []
    before = ss["reports"][0]["regs"]

    # A report with fewer (or other) registers than report 0 was cut.
    def full(r):
        return set(r["regs"]) == set(before)
    pre = [r for r in ss["reports"][1:] if full(r)]
    changed, _ = changes(before, pre)
    if changed:
        return "FAIL", "the guest read different values on the source " \
            "(before the migration)", changed, []
    seen = guest_diffs(before, pre)
    if seen:
        return "FAIL", "the guest saw different values on the source " \
            "(before the migration): " + "; ".join(seen), [], []
    if dlog is None or not dlog["booted"]:
        return "FAIL", "destination %s did not boot %s" % (
            dst, " ".join(dlog["host"]) if dlog else ""), [], []
    st = dlog["run"].get(src)
    if st is None:
        return "FAIL", "destination: no run for this state %s" % (
            " ".join(dlog["host"])), [], []
    err = short_error(dlog["err"].get(src, []))
    if st[0] != "ok":
        notes = diagnose(slog, dlog, src)
        why = err or {"no-load": "QEMU exited while loading"}.get(st[0], st[0])
        return "FAIL", why, [], notes
    ds = parse_serial(dlog["serial"].get(src, []))
    if ds["start"]:
        return "FAIL", "the guest restarted on the destination", [], []
    # Every complete report: the first may have been read on the source
    # (then it equals report 0 and the next ones were read here).
    post = [r for r in ds["reports"] if full(r)]
    ncut = ds["cut"] + len(ds["reports"]) - len(post)
    if len(post) < 2 or not ds["cnts"]:
        return "FAIL", "the guest did not continue (%d complete reports, " \
            "%d cut)" % (len(post), ncut), [], []
    if ds["cnts"][0] <= max(ss["cnts"]):
        return "FAIL", "counter went back: %d after %d" % (
            ds["cnts"][0], max(ss["cnts"])), [], []
    if not ss["vcts"] or not ds["vcts"]:
        return "FAIL", "the guest printed no CNTVCT_EL0 on the %s" % (
            "destination" if ss["vcts"] else "source"), [], []
    (svct, sfrq), (dvct, dfrq) = ss["vcts"][-1], ds["vcts"][0]
    if dvct < svct:
        return "FAIL", "virtual counter went back: CNTVCT_EL0 %d on the " \
            "destination after %d on the source (%d ticks)" % (
                dvct, svct, svct - dvct), [], []
    frq = max(sfrq, dfrq)
    if not frq or dvct - svct > MAX_VCT_JUMP * frq:
        return "FAIL", "virtual counter jumped %s: CNTVCT_EL0 %d on the " \
            "destination after %d on the source, CNTFRQ_EL0 %d/%d " \
            "(source/destination), at most %d s" % (
                "%.1f s" % ((dvct - svct) / frq) if frq else "(no frequency)",
                dvct, svct, sfrq, dfrq, MAX_VCT_JUMP), [], []
    changed, unknown = changes(before, post)
    notes = ["counter %d on the source, %d first on the destination; "
             "CNTVCT_EL0 %d -> %d (%.3f s at %d Hz); "
             "%d registers compared in %d reports (%d cut, not compared)" % (
                 max(ss["cnts"]), ds["cnts"][0], svct, dvct,
                 (dvct - svct) / frq, frq, len(before), len(post), ncut)]
    if unknown:
        notes.append("UNKNOWN values, not compared (CSSELR selects a cache "
                     "CLIDR_EL1 does not describe): " + " ".join(unknown))
    if changed:
        return "FAIL", "the guest read different values", changed, notes
    seen = guest_diffs(before, post)
    if seen:
        return "FAIL", "the guest saw different values from its report 0: " + \
            "; ".join(seen), [], notes
    return "ok", err, [], notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cpus", required=True)
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--csv")
    ap.add_argument("--gnuplot")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    cpus = a.cpus.split()
    pairs = [tuple(p.split(":")) for p in a.pairs.split()]
    kernels = [k for k in ("base", "patched", "mainline")
               if any(k in p for p in pairs)]
    rows, bad = [], 0
    for cpu in cpus:
        for src, dst in pairs:
            res, err, changed, notes = cell(a.dir, cpu, src, dst)
            req = (src, dst) in REQUIRED
            rows.append(dict(cpu=cpu, source=src, destination=dst, result=res,
                             required="yes" if req else "no", error=err,
                             changed=" ".join(changed), notes=notes))
            if res != "ok" and req:
                bad += 1
    if a.check:
        for r in rows:
            name = "compat/%s-to-%s@%s" % (r["source"], r["destination"], r["cpu"])
            if r["result"] == "ok":
                print("pass  %s" % name)
                for n in r["notes"]:
                    if n.startswith("UNKNOWN"):
                        print("      | %s" % n)
            else:
                why = r["error"] + (": " + r["changed"] if r["changed"] else "")
                print("FAIL  %s: %s (logs: %s/%s/)" % (name, why, a.dir, r["cpu"]))
                for n in r["notes"]:
                    print("      | %s" % n)
        return 1 if bad else 0
    for cpu in cpus:
        print("\n== outer CPU %s: source (rows) -> destination (columns)" % cpu)
        print("%-16s" % "" + "".join("%-16s" % KERNEL_NAMES[k] for k in kernels))
        for s in kernels:
            line = "%-16s" % KERNEL_NAMES[s]
            for dk in kernels:
                r = next((r for r in rows if r["cpu"] == cpu and
                          r["source"] == s and r["destination"] == dk), None)
                mark = "-" if r is None else r["result"] + (
                    "" if r["result"] == "ok" or r["required"] == "no" else " (req)")
                line += "%-16s" % mark
            print(line)
        for r in rows:
            if r["cpu"] != cpu:
                continue
            if r["result"] == "ok":
                for n in r["notes"]:
                    if n.startswith("UNKNOWN"):
                        print("  %s -> %s: ok; %s" % (r["source"], r["destination"], n))
                continue
            print("  %s -> %s%s: %s" % (
                r["source"], r["destination"],
                " [required]" if r["required"] == "yes" else "", r["error"]))
            if r["changed"]:
                print("      changed: %s" % r["changed"])
            for n in r["notes"]:
                print("      | %s" % n)
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["cpu", "source", "destination", "result", "required",
                        "error", "changed_registers", "diagnosis"])
            for r in rows:
                w.writerow([r["cpu"], r["source"], r["destination"], r["result"],
                            r["required"], r["error"], r["changed"],
                            " | ".join(r["notes"])])
        print("\nmatrix: %s" % a.csv)
    if a.gnuplot:
        write_gnuplot(a.gnuplot, cpus, kernels, rows)
    print("%d required cell(s) failed" % bad if bad else
          "every required cell passed")
    return 1 if bad else 0


def write_gnuplot(path, cpus, kernels, rows):
    """A heat map per CPU: green ok, red a required cell failed, orange
    another cell failed; matrix.png beside the script."""
    n = len(kernels)
    with open(path, "w") as f:
        f.write("set terminal pngcairo size %d,%d font 'sans,10'\n"
                % (420 * len(cpus), 440))
        f.write("set output 'matrix.png'\n")
        f.write("set multiplot layout 1,%d title 'QEMU 7.2 migration: source "
                "(rows) -> destination (columns)'\n" % len(cpus))
        f.write("set palette defined (0 '#2e9e44', 1 '#f0a030', 2 '#d03030')\n"
                "set cbrange [0:2]\nunset colorbox\nset size square\n")
        labels = ", ".join("'%s' %d" % (KERNEL_NAMES[k], i)
                           for i, k in enumerate(kernels))
        f.write("set xtics (%s) rotate by 20 right\n" % labels)
        f.write("set ytics (%s)\n" % labels)
        f.write("set xrange [-0.5:%f]\nset yrange [%f:-0.5]\n"
                % (n - 0.5, n - 0.5))
        f.write("set xlabel 'destination'\nset ylabel 'source'\n")
        for cpu in cpus:
            f.write("unset label\nset title '%s'\n" % cpu)
            data = []
            for i, s in enumerate(kernels):
                for j, dk in enumerate(kernels):
                    r = next((r for r in rows if r["cpu"] == cpu and
                              r["source"] == s and r["destination"] == dk), None)
                    if r is None:
                        v, txt = 1, "-"
                    elif r["result"] == "ok":
                        v, txt = 0, "ok"
                    else:
                        v = 2 if r["required"] == "yes" else 1
                        txt = ("values changed" if r["changed"] else
                               "load failed" if "migration failed" in r["error"]
                               else "FAIL")
                    data.append("%d %d %d" % (j, i, v))
                    f.write("set label '%s' at %d,%d center front\n" % (txt, j, i))
            f.write("plot '-' using 1:2:3 with image notitle\n")
            f.write("\n".join(data) + "\ne\n")
        f.write("unset multiplot\n")


if __name__ == "__main__":
    sys.exit(main())
