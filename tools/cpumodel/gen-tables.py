#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate the register/field tables of libarm64cpumodel.

Two kernel sources, nothing typed by hand:
  * names: arch/arm64/tools/sysreg (Debian's linux-source-6.12 describes the
    AArch32 ID registers too; the 6.1 file does not) -- register encodings,
    field names and widths, value names, signed/unsigned;
  * rules: the patched 6.1 tree's arch/arm64/kernel/cpufeature.c feature
    tables (ARM64_FTR_BITS / S_ARM64_FTR_BITS, ARM64_FTR_REG), i.e. exactly
    the lower-safe / higher-safe / exact rule KVM's sanitiser applies,
    with shift macros resolved through the tree's headers.

Usage: gen-tables.py SYSREG TREE KBUILD > cpumodel-tables.h
"""
import hashlib
import re
import sys

sysreg_path, tree, kbuild = sys.argv[1:4]

# KVM's sanitiser (arch/arm64/kvm/sys_regs.c, kvm_id_ftr_bits()) treats
# these fields as unsigned and lower-safe, unlike the host tables.
KVM_OVERRIDES = {
    ("ID_AA64DFR0_EL1", 8): ("LOWER", 0),   # PMUVer
    ("ID_AA64DFR0_EL1", 0): ("LOWER", 0),   # DebugVer
    ("ID_DFR0_EL1", 24): ("LOWER", 0),      # PerfMon
}


def die(msg):
    sys.stderr.write("gen-tables.py: %s\n" % msg)
    sys.exit(1)


# ---- arch/arm64/tools/sysreg ------------------------------------------
regs = {}       # name -> dict(enc=(op0..op2), fields=[...])
fieldsets = {}  # SysregFields name -> [fields]


def rng(s):
    if ":" in s:
        hi, lo = s.split(":")
        return int(hi), int(lo)
    return int(s), int(s)


cur = None
cur_enum = None
with open(sysreg_path) as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        w = line.split()
        k = w[0]
        if k == "Sysreg":
            cur = {"name": w[1], "enc": tuple(int(x) for x in w[2:7]), "fields": []}
        elif k == "SysregFields":
            cur = {"name": w[1], "enc": None, "fields": []}
        elif k in ("EndSysreg", "EndSysregFields"):
            if cur["enc"] is None:
                fieldsets[cur["name"]] = cur["fields"]
            else:
                regs[cur["name"]] = cur
            cur = None
        elif cur is None:
            continue
        elif k == "Fields":
            cur["fields"].extend(dict(x, enums=list(x["enums"])) for x in fieldsets[w[1]])
        elif k in ("Enum", "SignedEnum", "UnsignedEnum"):
            hi, lo = rng(w[1])
            cur_enum = {"name": w[2], "lo": lo, "width": hi - lo + 1,
                        "signed": k == "SignedEnum", "enums": []}
            cur["fields"].append(cur_enum)
        elif k == "EndEnum":
            cur_enum = None
        elif k.startswith("0b") and cur_enum is not None:
            cur_enum["enums"].append((int(k[2:], 2), w[1]))
        elif k == "Field":
            hi, lo = rng(w[1])
            cur["fields"].append({"name": w[2], "lo": lo, "width": hi - lo + 1,
                                  "signed": False, "enums": []})

# ---- #defines of the 6.1 tree (shift and encoding macros) --------------
defs = {}
for path in (tree + "/arch/arm64/include/asm/sysreg.h",
             tree + "/arch/arm64/include/asm/cache.h",
             tree + "/arch/arm64/include/asm/cpufeature.h",
             kbuild + "/arch/arm64/include/generated/asm/sysreg-defs.h"):
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(\w+)\s+(.+?)\s*(/\*.*)?$", line)
            if m:
                defs.setdefault(m.group(1), m.group(2))


def value(expr, depth=0):
    expr = expr.strip()
    m = re.fullmatch(r"U?L?L?\((.*)\)", expr) or re.fullmatch(r"\((.*)\)", expr)
    if m:
        return value(m.group(1), depth)
    m = re.fullmatch(r"sys_reg\((.*)\)", expr)
    if m:
        return tuple(value(x, depth) for x in m.group(1).split(","))
    for base, pat in ((2, r"0b([01]+)"), (16, r"0x([0-9a-fA-F]+)"), (10, r"(\d+)")):
        m = re.fullmatch(pat + r"U?L?L?", expr)
        if m:
            return int(m.group(1), base)
    if expr in defs and depth < 8:
        return value(defs[expr], depth + 1)
    die("cannot evaluate '%s'" % expr)


# ---- cpufeature.c feature tables ---------------------------------------
with open(tree + "/arch/arm64/kernel/cpufeature.c") as f:
    src = f.read()

tables = {}
for m in re.finditer(r"static const struct arm64_ftr_bits (\w+)\[\] = \{(.*?)\n\};", src, re.S):
    entries = []
    for e in re.finditer(r"\b(S_)?ARM64_FTR_BITS\(((?:[^()]|\([^()]*\))*)\)", m.group(2)):
        args = [a.strip() for a in re.split(r",(?![^()]*\))", e.group(2))]
        if len(args) != 6:
            die("odd entry in %s: %s" % (m.group(1), e.group(0)))
        entries.append({"signed": bool(e.group(1)), "type": args[2].replace("FTR_", "").replace("_SAFE", ""),
                        "lo": value(args[3]), "width": value(args[4]), "safe": value(args[5])})
    tables[m.group(1)] = entries

ftr_regs = {}   # encoding -> table name
for m in re.finditer(r"ARM64_FTR_REG(?:_OVERRIDE)?\((SYS_\w+),\s*(\w+)", src):
    ftr_regs[value(m.group(1))] = m.group(2)
# Registers described by a named struct arm64_ftr_reg (CTR_EL0).
for m in re.finditer(r"struct arm64_ftr_reg (\w+) = \{.*?\.name\s*=\s*\"(SYS_\w+)\",\s*\.ftr_bits\s*=\s*(\w+)", src, re.S):
    ftr_regs[value(m.group(2))] = m.group(3)

# ---- merge: registers of the identification space ----------------------
by_enc = {r["enc"]: r for r in regs.values()}
out_regs = []
encs = set(e for e in by_enc if e[0] == 3 and e[2] == 0)
encs |= set(e for e in ftr_regs if e[0] == 3 and e[2] == 0)
for enc in sorted(encs, key=lambda e: (e[1], e[3], e[4])):
    r = by_enc.get(enc)
    name = r["name"] if r else "S%d_%d_C%d_C%d_%d" % enc
    named = {(f["lo"], f["width"]): f for f in (r["fields"] if r else [])}
    fields = {}
    for f in named.values():
        fields[(f["lo"], f["width"])] = {"name": f["name"], "lo": f["lo"], "width": f["width"],
                                         "signed": f["signed"], "rule": "NONE", "safe": 0,
                                         "enums": f["enums"]}
    for e in tables.get(ftr_regs.get(enc), []):
        key = (e["lo"], e["width"])
        f = fields.get(key)
        if f is None:
            hi = e["lo"] + e["width"] - 1
            f = {"name": "bits%d_%d" % (hi, e["lo"]), "lo": e["lo"], "width": e["width"], "enums": []}
            fields[key] = f
        f["signed"] = e["signed"]
        f["rule"], f["safe"] = e["type"], e["safe"]
        if (name, e["lo"]) in KVM_OVERRIDES:
            f["rule"], f["safe"] = KVM_OVERRIDES[(name, e["lo"])]
            f["signed"] = False
    out_regs.append((name, enc, sorted(fields.values(), key=lambda f: -f["lo"]),
                     enc in ftr_regs))


def cstr(s):
    return '"%s"' % s


out = []
out.append("/* Generated by tools/cpumodel/gen-tables.py: names from %s," % sysreg_path.split("/")[-1])
out.append(" * rules from the patched tree's cpufeature.c.  Do not edit: regenerate")
out.append(" * with scripts/cpumodel-build.sh update-tables (make check compares). */")
for name, enc, fields, _ in out_regs:
    for f in fields:
        if f["enums"]:
            out.append("static const struct cm_enum cm_%s_%s_enum[] = {" % (name, f["name"]))
            for v, n in f["enums"]:
                out.append("\t{ %d, %s }," % (v, cstr(n)))
            out.append("\t{ 0, NULL },\n};")
    out.append("static const struct cm_field cm_%s_fields[] = {" % name)
    for f in fields:
        en = "cm_%s_%s_enum" % (name, f["name"]) if f["enums"] else "NULL"
        out.append("\t{ %s, %d, %d, %d, CM_RULE_%s, 0x%x, %s }," %
                   (cstr(f["name"]), f["lo"], f["width"], int(f["signed"]), f["rule"], f["safe"], en))
    out.append("\t{ NULL, 0, 0, 0, 0, 0, NULL },\n};")
out.append("const struct cm_regdesc cm_regdescs[] = {")
for name, enc, fields, has_rules in out_regs:
    out.append("\t{ %s, %d, %d, %d, %d, %d, %d, cm_%s_fields }," %
               ((cstr(name),) + enc + (int(has_rules), name)))
out.append("\t{ NULL, 0, 0, 0, 0, 0, 0, NULL },\n};")
# Names of the 56 feature ID register slots (op0 3, op1 0, CRn 0, CRm 1-7),
# so that the library needs no lazily filled name cache.
out.append("const char *const cm_id_slot_names[56] = {")
for i in range(56):
    enc = (3, 0, 0, 1 + i // 8, i % 8)
    r = by_enc.get(enc)
    out.append("\t%s," % cstr(r["name"] if r else "S%d_%d_C%d_C%d_%d" % enc))
out.append("};")
body = "\n".join(out) + "\n"
# The rule set: a digest of everything above (names, fields, rules).
rules_id = hashlib.sha256(body.encode()).hexdigest()[:16]
sys.stdout.write(body)
print("const char cm_rules_id[] = \"rules-%s\" CM_RULES_REVISION;" % rules_id)
