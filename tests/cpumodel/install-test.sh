#!/usr/bin/env bash
# Packaging test of libarm64cpumodel: build tools/cpumodel standalone as a
# VMM builder would (make -C tools/cpumodel, native), install it into a
# scratch DESTDIR with PREFIX=/usr and check what a distribution package
# would hold: the file list, the soname, the exported symbols and their
# version, the header alone, the pkg-config file, a consumer built with
# nothing but "#include <arm64-cpumodel.h>" and pkg-config's flags (shared
# and static), the installed tool, the man page, uninstall.  Seconds.
# Prints "pass  cpumodel/install-NAME" / "FAIL  cpumodel/install-NAME: why"
# per test, nothing else.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
FIX=$HERE/fixtures
SRC=$TOP/tools/cpumodel
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C
OBJ=$WORK/obj
D=$WORK/destdir
LIB=$D/usr/lib

ok() { echo "pass  cpumodel/install-$1"; }
bad() { echo "FAIL  cpumodel/install-$1: $2"; }
# oneline FILE: the first 300 bytes of FILE on one line, for a FAIL line.
oneline() { head -c 300 "$1" | tr '\n' ' '; }

hdr_version() { awk -v n="ARM64CM_VERSION_$1" '$2 == n { print $3 }' "$SRC/arm64-cpumodel.h"; }
VERSION=$(hdr_version MAJOR).$(hdr_version MINOR).$(hdr_version PATCH)
SONAME=libarm64cpumodel.so.${VERSION%%.*}

# The KVM part is built by default on aarch64, where it needs uapi headers
# newer than a distribution's: the rig's, when there are some.
mk=(make --no-print-directory -C "$SRC" O="$OBJ" -j"$(nproc)")
if [ "$(uname -m)" = aarch64 ] && [ -f "$TOP/build/kbuild/usr/include/linux/kvm.h" ]; then
	mk+=(KERNEL_HEADERS="$TOP/build/kbuild/usr/include")
fi

run_tests() {
if ! "${mk[@]}" >"$WORK/build.log" 2>&1; then
	bad build "make -C tools/cpumodel failed: $(tail -n 5 "$WORK/build.log" | tr '\n' ' ')"
	return
fi
ok build

if "${mk[@]}" check-abi >"$WORK/abi.log" 2>&1; then
	ok check-abi
else
	bad check-abi "$(oneline "$WORK/abi.log")"
fi

if ! "${mk[@]}" install DESTDIR="$D" PREFIX=/usr >"$WORK/install.log" 2>&1; then
	bad install "make install failed: $(tail -n 5 "$WORK/install.log" | tr '\n' ' ')"
	return
fi
ok install

# --- what is installed -------------------------------------------------------
(cd "$D" && find . \( -type f -o -type l \) -printf '%P %m %l\n' | sort) >"$WORK/files"
sort >"$WORK/files.want" <<EOF
usr/bin/arm64-cpumodel 755 
usr/include/arm64-cpumodel.h 644 
usr/lib/libarm64cpumodel.a 644 
usr/lib/libarm64cpumodel.so 777 $SONAME
usr/lib/$SONAME 777 libarm64cpumodel.so.$VERSION
usr/lib/libarm64cpumodel.so.$VERSION 755 
usr/lib/pkgconfig/arm64-cpumodel.pc 644 
usr/share/man/man1/arm64-cpumodel.1 644 
EOF
if diff -u "$WORK/files.want" "$WORK/files" >"$WORK/files.diff"; then
	ok files
else
	bad files "installed files differ from the expected list: $(grep '^[-+][^-+]' "$WORK/files.diff" | tr '\n' ' ')"
fi

so=$LIB/libarm64cpumodel.so.$VERSION
got=$(readelf -d "$so" 2>&1 | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$got" = "$SONAME" ]; then
	ok soname
else
	bad soname "SONAME of libarm64cpumodel.so.$VERSION is \"$got\", expected $SONAME"
fi

# Defined, non-local dynamic symbols: the version node itself, then only
# arm64cm_* in ARM64CPUMODEL_1.0.
objdump -T "$so" >"$WORK/objdump" 2>&1
awk '/^[0-9a-f]+ / && !/\*UND\*/ && $2 != "l" { print $(NF - 1), $NF }' "$WORK/objdump" |
	sort >"$WORK/exports"
nexp=$(grep -c ' arm64cm_' "$WORK/exports")
foreign=$(grep -v -e '^ARM64CPUMODEL_1\.0 arm64cm_' -e '^ARM64CPUMODEL_1\.0 ARM64CPUMODEL_1\.0$' "$WORK/exports" | tr '\n' ' ')
if [ -n "$foreign" ]; then
	bad exports "symbols outside arm64cm_* or without version ARM64CPUMODEL_1.0: $foreign"
elif [ "$nexp" -lt 20 ] || ! grep -q '^ARM64CPUMODEL_1\.0 arm64cm_version$' "$WORK/exports"; then
	bad exports "only $nexp arm64cm_* symbols exported: $(tr '\n' ' ' <"$WORK/exports")"
else
	ok exports
fi

# The header alone: the only file in include/, self-contained, C and C++.
ls -A "$D/usr/include" >"$WORK/includes"
printf '#include <arm64-cpumodel.h>\n' >"$WORK/hdr.c"
if [ "$(cat "$WORK/includes")" != arm64-cpumodel.h ]; then
	bad header "include/ holds: $(tr '\n' ' ' <"$WORK/includes")"
elif ! gcc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$D/usr/include" \
	"$WORK/hdr.c" >"$WORK/hdr.log" 2>&1; then
	bad header "does not compile alone as C99: $(oneline "$WORK/hdr.log")"
elif command -v g++ >/dev/null &&
	! g++ -Wall -Wextra -Werror -fsyntax-only -x c++ -I"$D/usr/include" \
		"$WORK/hdr.c" >"$WORK/hdr.log" 2>&1; then
	bad header "does not compile alone as C++: $(oneline "$WORK/hdr.log")"
else
	ok header
fi

# --- pkg-config and a consumer ---------------------------------------------
export PKG_CONFIG_PATH=$LIB/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
# A -I/usr/include or -L/usr/lib inside the sysroot is not the system's.
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
pc() { pkg-config "$@" arm64-cpumodel 2>&1; }
cflags=$(pc --cflags) libs=$(pc --libs) slibs=$(pc --static --libs) modv=$(pc --modversion)
case " $cflags | $libs | $slibs | $modv " in
*" -I$D/usr/include "*"| "*"-L$LIB "*"-larm64cpumodel "*"| "*"-larm64cpumodel "*"-ljson-c "*"| $VERSION ")
	ok pkg-config ;;
*)
	bad pkg-config "cflags \"$cflags\", libs \"$libs\", static libs \"$slibs\", version \"$modv\"" ;;
esac

cat >"$WORK/consumer.c" <<'EOF'
#include <arm64-cpumodel.h>
#include <stdio.h>

/* consumer GOOD.json BROKEN.json */
int main(int argc, char **argv)
{
	struct arm64cm_profile *p = NULL;
	struct arm64cm_findings *f;
	int ret;

	if (argc != 3)
		return 99;
	printf("version %s\n", arm64cm_version());
	printf("rules %s\n", arm64cm_rules_id());
	f = arm64cm_findings_new();
	if (!f)
		return 98;
	ret = arm64cm_profile_load(argv[1], 0, &p, f);
	printf("load %d findings %zu\n", ret, arm64cm_findings_count(f));
	if (ret != ARM64CM_OK)
		return 97;
	printf("name %s\n", arm64cm_profile_name(p));
	printf("model %d\n", arm64cm_profile_is_model(p));
	printf("regs %zu\n", arm64cm_profile_nr_regs(p));
	arm64cm_profile_free(p);
	arm64cm_findings_free(f);

	p = NULL;
	f = arm64cm_findings_new();
	if (!f)
		return 98;
	ret = arm64cm_profile_load(argv[2], 0, &p, f);
	printf("broken %d errors %zu\n", ret, arm64cm_findings_errors(f));
	if (arm64cm_findings_count(f))
		printf("message %s\n", arm64cm_finding_message(f, 0));
	if (p)
		arm64cm_profile_free(p);
	arm64cm_findings_free(f);
	return 0;
}
EOF
head -c 200 "$FIX/max.json" >"$WORK/broken.json"
name=$(jq -r .name "$FIX/max.json")

# check_consumer NAME OUTPUT-FILE: what the consumer printed.
check_consumer() {
	local n=$1 out=$2
	if ! grep -qx "version $VERSION" "$out"; then
		bad "$n" "no \"version $VERSION\": $(oneline "$out")"
	elif ! grep -qx "load 0 findings [0-9]*" "$out" || ! grep -qx "name $name" "$out" ||
		! grep -qx "model 0" "$out" || ! grep -Eqx "regs [1-9][0-9]*" "$out"; then
		bad "$n" "max.json: $(oneline "$out")"
	elif ! grep -Eqx "broken 2 errors [1-9][0-9]*" "$out" ||
		! grep -q "^message .*broken\.json" "$out"; then
		bad "$n" "a broken profile is not bad input with a finding naming it: $(oneline "$out")"
	else
		ok "$n"
	fi
}

# shellcheck disable=SC2086
if ! gcc -Wall -Wextra -Werror -o "$WORK/consumer" "$WORK/consumer.c" $cflags $libs \
	>"$WORK/cc.log" 2>&1; then
	bad consumer "does not build with pkg-config's flags: $(oneline "$WORK/cc.log")"
elif ! readelf -d "$WORK/consumer" | grep -q "(NEEDED).*\[$SONAME\]"; then
	bad consumer "not linked with $SONAME: $(readelf -d "$WORK/consumer" | grep NEEDED | tr '\n' ' ')"
elif ! LD_LIBRARY_PATH=$LIB ldd "$WORK/consumer" | grep -q "$SONAME => $LIB/$SONAME"; then
	bad consumer "does not load the installed library: $(LD_LIBRARY_PATH=$LIB ldd "$WORK/consumer" | tr '\n' ' ')"
else
	LD_LIBRARY_PATH=$LIB "$WORK/consumer" "$FIX/max.json" "$WORK/broken.json" \
		>"$WORK/consumer.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		bad consumer "exit status $rc: $(oneline "$WORK/consumer.out")"
	else
		check_consumer consumer "$WORK/consumer.out"
	fi
fi

# The same against libarm64cpumodel.a: linked statically, runs without
# the shared library.
# shellcheck disable=SC2086
if ! gcc -static -Wall -Wextra -Werror -o "$WORK/consumer-static" "$WORK/consumer.c" \
	$cflags $slibs >"$WORK/cc-static.log" 2>&1; then
	bad consumer-static "does not build with pkg-config --static: $(oneline "$WORK/cc-static.log")"
elif readelf -d "$WORK/consumer-static" 2>/dev/null | grep -q NEEDED; then
	bad consumer-static "not static: $(readelf -d "$WORK/consumer-static" | grep NEEDED | tr '\n' ' ')"
else
	env -u LD_LIBRARY_PATH "$WORK/consumer-static" "$FIX/max.json" "$WORK/broken.json" \
		>"$WORK/consumer-static.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		bad consumer-static "exit status $rc: $(oneline "$WORK/consumer-static.out")"
	else
		check_consumer consumer-static "$WORK/consumer-static.out"
	fi
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_ALLOW_SYSTEM_CFLAGS PKG_CONFIG_ALLOW_SYSTEM_LIBS

# --- the tool and its man page -----------------------------------------------
tool=$D/usr/bin/arm64-cpumodel
if readelf -d "$tool" | grep -Eq '\((RPATH|RUNPATH)\)'; then
	bad tool "the installed tool has a run path: $(readelf -d "$tool" | grep PATH | tr '\n' ' ')"
elif ! readelf -d "$tool" | grep -q "(NEEDED).*\[$SONAME\]"; then
	bad tool "not linked with $SONAME"
elif ! LD_LIBRARY_PATH=$LIB "$tool" --version >"$WORK/tool.out" 2>&1 ||
	! grep -q "^arm64-cpumodel $VERSION (libarm64cpumodel $VERSION" "$WORK/tool.out"; then
	bad tool "--version: $(oneline "$WORK/tool.out")"
elif ! LD_LIBRARY_PATH=$LIB "$tool" show "$FIX/max.json" >"$WORK/tool.out" 2>&1; then
	bad tool "show max.json: $(oneline "$WORK/tool.out")"
else
	ok tool
fi

man=$D/usr/share/man/man1/arm64-cpumodel.1
if ! groff -man -Tutf8 -ww -z "$man" >"$WORK/man.log" 2>&1 || [ -s "$WORK/man.log" ]; then
	bad man "groff -man -ww: $(oneline "$WORK/man.log")"
else
	ok man
fi

# Every command and option of the tool's usage is in the man page.
LD_LIBRARY_PATH=$LIB "$tool" --help >"$WORK/usage" 2>&1
groff -man -Tascii -rLL=300n -P-c -P-b -P-u "$man" 2>/dev/null >"$WORK/man.txt"
missing=
for c in $(sed -n 's/^\(usage:\)\{0,1\} *arm64-cpumodel \([a-z][a-z-]*\).*/\2/p' "$WORK/usage" | sort -u) \
	$(grep -o -- '--[a-z][a-z-]*' "$WORK/usage" | sort -u); do
	case $c in
	--*) grep -q -- "$c" "$WORK/man.txt" || missing="$missing $c" ;;
	*) grep -q "arm64-cpumodel $c" "$WORK/man.txt" || missing="$missing $c" ;;
	esac
done
if ! grep -q '^usage: arm64-cpumodel' "$WORK/usage"; then
	bad man-usage "arm64-cpumodel --help: $(oneline "$WORK/usage")"
elif [ -n "$missing" ]; then
	bad man-usage "in the usage, not in the man page:$missing"
else
	ok man-usage
fi

# --- uninstall, and a static-only install ------------------------------------
if ! "${mk[@]}" uninstall DESTDIR="$D" PREFIX=/usr >"$WORK/uninstall.log" 2>&1; then
	bad uninstall "make uninstall failed: $(oneline "$WORK/uninstall.log")"
elif [ -n "$(find "$D" \( -type f -o -type l \) -print -quit)" ]; then
	bad uninstall "left: $(cd "$D" && find . \( -type f -o -type l \) | tr '\n' ' ')"
else
	ok uninstall
fi

rm -rf "$D"
if ! "${mk[@]}" O="$WORK/obj-static" STATIC=1 install DESTDIR="$D" PREFIX=/usr \
	>"$WORK/static.log" 2>&1; then
	bad static-only "make STATIC=1 install failed: $(tail -n 5 "$WORK/static.log" | tr '\n' ' ')"
elif [ -n "$(find "$D" -name '*.so*' -print -quit)" ] || [ ! -f "$LIB/libarm64cpumodel.a" ]; then
	bad static-only "installed: $(cd "$D" && find . \( -type f -o -type l \) | tr '\n' ' ')"
elif readelf -d "$D/usr/bin/arm64-cpumodel" 2>/dev/null | grep -q NEEDED ||
	! "$D/usr/bin/arm64-cpumodel" show "$FIX/max.json" >"$WORK/tool.out" 2>&1; then
	bad static-only "the tool is not static or does not run: $(oneline "$WORK/tool.out")"
else
	ok static-only
fi
}

run_tests | tee "$WORK/results"
! grep -q '^FAIL' "$WORK/results"
