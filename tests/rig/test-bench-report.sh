# shellcheck shell=bash
# scripts/bench-report.py on a made-up raw.csv: the -once restore modes
# (out of tree, fewer registers per vCPU) appear only as ms per VM, with
# their ratio to our full restore; section 5 (calls) follows section 4.
(
	d=$WORK/bench-report
	mkdir -p "$d"
	{
		echo "round,kernel,metric,param,mode,value,unit"
		for k in ours base mainline; do
			for m in single parallel; do
				echo "1,$k,restore-ms-per-vm,64,$m,100.0,ms"
				echo "1,$k,restore-ns-per-reg,64,$m,5000.0,ns"
				echo "1,$k,restore-set-ns,64,$m,2000.0,ns"
				echo "1,$k,restore-regs-per-vcpu,64,$m,316.0,regs"
			done
			echo "1,$k,memory-vm-kib,1,kernel,10.0,KiB"
			echo "1,$k,memory-vm-kib,256,kernel,3000.0,KiB"
			echo "1,$k,call-ns,1,vcpu-has-attr,900.0,ns"
		done
		for m in single parallel; do
			v=50.0
			[ $m = parallel ] && v=25.0
			echo "1,ours,restore-ms-per-vm,64,$m-once,$v,ms"
			echo "1,ours,restore-ns-per-reg,64,$m-once,9999.0,ns"
			echo "1,ours,restore-set-ns,64,$m-once,8888.0,ns"
			echo "1,ours,restore-regs-per-vcpu,64,$m-once,40.0,regs"
		done
	} >"$d/raw.csv"
	out=$(python3 "$TOP/scripts/bench-report.py" "$d" 6.1.0 6.12.0 2>&1) ||
		{ bad bench-report-runs "exit status $?: $out"; exit; }
	ok bench-report-runs
	if grep -q '9,999\|8,888' <<<"$out"; then
		bad bench-report-once-ms-only "per-register numbers of a -once mode printed:"$'\n'"$out"
	elif ! grep -qE '^ +64 single-once +50\.0 .* once/full 0\.50$' <<<"$out"; then
		bad bench-report-once-ms-only "no ms-per-VM row of single-once with once/full 0.50:"$'\n'"$out"
	else
		ok bench-report-once-ms-only
	fi
	for m in "single  " parallel; do
		r=0.50
		[ "$m" = parallel ] && r=0.25
		if grep -qE "^  restore at 64 vCPUs, $m write-once: ours write-once / ours full restore $r \(ms per VM\)$" <<<"$out"; then
			ok "bench-report-once-vs-full-${m%% *}"
		else
			bad "bench-report-once-vs-full-${m%% *}" "no line 'ours write-once / ours full restore $r':"$'\n'"$out"
		fi
	done
	s4=$(grep -n '^4\. Memory' <<<"$out" | cut -d: -f1)
	s5=$(grep -n '^5\. Calls' <<<"$out" | cut -d: -f1)
	if [ -n "$s4" ] && [ -n "$s5" ] && [ "$s4" -lt "$s5" ]; then
		ok bench-report-section-order
	else
		bad bench-report-section-order "section 4 at line ${s4:-none}, 5 at ${s5:-none}"
	fi
)
