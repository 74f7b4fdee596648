# Generate C tables of register fields from the kernel's own register
# description, arch/arm64/tools/sysreg.  Only the identification space
# (op0 == 3, CRn == 0) is emitted: the feature ID registers, CTR_EL0,
# CLIDR_EL1 and friends.  Usage:
#   awk -f gen-sysreg-fields.awk arch/arm64/tools/sysreg > sysreg-fields.h
function flush_enum() {
	if (ename == "")
		return
	printf "static const struct rig_enum %s_%s_enum[] = {\n", cur, ename
	for (k = 1; k <= nev; k++)
		printf "\t{ %s, \"%s\" },\n", evals[k], enames[k]
	printf "\t{ 0, 0 },\n};\n"
	ename = ""
}
function add_field(hi, lo, name, en) {
	nf++
	fhi[nf] = hi; flo[nf] = lo; fname[nf] = name; fenum[nf] = en
}
function bin2dec(s,    v, i) {
	v = 0
	sub(/^0b/, "", s)
	for (i = 1; i <= length(s); i++)
		v = v * 2 + substr(s, i, 1)
	return v
}
function range(s) {
	if (split(s, r, ":") == 2) { rhi = r[1]; rlo = r[2] } else { rhi = s; rlo = s }
}
BEGIN {
	print "/* Generated from arch/arm64/tools/sysreg by gen-sysreg-fields.awk. */"
	print "/* Do not edit. */"
	nregs = 0
}
/^#/ { next }
$1 == "SysregFields" { cur = $2; infields = 1; nf = 0; emit = 1; next }
$1 == "Sysreg" {
	cur = $2; infields = 0; nf = 0
	emit = ($3 == 3 && $5 == 0)
	op0 = $3; op1 = $4; crn = $5; crm = $6; op2 = $7
	next
}
!emit { next }
$1 == "Fields" {
	# Reuse a SysregFields block: copy its fields.
	for (k = 1; k <= sfn[$2]; k++)
		add_field(sfhi[$2, k], sflo[$2, k], sfname[$2, k], "0")
	next
}
$1 == "Enum" || $1 == "SignedEnum" || $1 == "UnsignedEnum" {
	range($2); ename = $3; nev = 0
	add_field(rhi, rlo, $3, cur "_" $3 "_enum")
	next
}
$1 == "EndEnum" { flush_enum(); next }
$1 ~ /^0b/ && ename != "" { nev++; evals[nev] = bin2dec($1); enames[nev] = $2; next }
$1 == "Field" { range($2); add_field(rhi, rlo, $3, "0"); next }
$1 == "EndSysregFields" {
	sfn[cur] = nf
	for (k = 1; k <= nf; k++) {
		sfhi[cur, k] = fhi[k]; sflo[cur, k] = flo[k]; sfname[cur, k] = fname[k]
	}
	emit = 0
	next
}
$1 == "EndSysreg" {
	printf "static const struct rig_field %s_fields[] = {\n", cur
	for (k = 1; k <= nf; k++)
		printf "\t{ \"%s\", %d, %d, %s },\n", fname[k], flo[k], fhi[k] - flo[k] + 1, fenum[k]
	printf "\t{ 0, 0, 0, 0 },\n};\n\n"
	regs[++nregs] = sprintf("\t{ \"%s\", %d, %d, %d, %d, %d, %s_fields },", cur, op0, op1, crn, crm, op2, cur)
	emit = 0
	next
}
END {
	print "static const struct rig_reg rig_regs[] = {"
	for (k = 1; k <= nregs; k++)
		print regs[k]
	print "\t{ 0, 0, 0, 0, 0, 0, 0 },"
	print "};"
}
