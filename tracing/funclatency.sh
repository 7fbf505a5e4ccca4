#!/usr/bin/env bash
# funclatency.sh FUNC [FUNC...] — latency histogram (ns) and call count per
# kernel function, the bpftrace twin of `ringscope trace -f FUNC,...`.
#
# Tier: fentry (bpftrace kfunc/kretfunc) when the kernel allows it, else
# kprobe (kprobe/kretprobe) — chosen from `bpftrace --info`. Neither exists on
# hosts that refuse fentry and have no kprobes: run it in the VM lab guest.
set -euo pipefail
(($#)) || { echo "usage: $0 FUNC [FUNC...]" >&2; exit 2; }
if bpftrace --info 2>&1 | grep -Eq 'kfunc: yes'; then
	enter=kfunc exit=kretfunc
else
	enter=kprobe exit=kretprobe
fi
prog=""
for f in "$@"; do
	prog+="$enter:$f { @start_$f[tid] = nsecs; }
$exit:$f /@start_$f[tid]/ { @ns_$f = hist(nsecs - @start_$f[tid]); @calls_$f = count(); delete(@start_$f[tid]); }
"
done
echo "tier: $enter/$exit" >&2
exec bpftrace -e "$prog"
