# shellcheck shell=bash
# deps.sh is idempotent: with everything installed it never calls apt-get.
(
	mkdir -p "$WORK/fakebin"
	printf '#!/bin/sh\ntouch %s/apt-called\nexit 1\n' "$WORK" >"$WORK/fakebin/apt-get"
	chmod +x "$WORK/fakebin/apt-get"
	start=$(date +%s%N)
	if out=$(PATH=$WORK/fakebin:$PATH "$TOP/scripts/deps.sh" 2>&1); then
		ms=$((($(date +%s%N) - start) / 1000000))
		[ ! -e "$WORK/apt-called" ] && ok "deps-idempotent: ${ms} ms, apt-get not called" ||
			bad deps-idempotent "apt-get was called although everything is installed"
	else
		bad deps-idempotent "deps.sh failed: $out"
	fi
)
