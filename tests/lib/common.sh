# Shared helpers for the shell tests: PASS/FAIL lines, namespaces and veth
# pairs that are always torn down, and leftover checks.
RS=${RS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/ringscope}
failures=0
_cleanups=()

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-}"; failures=$((failures + 1)); }
check() {	# check NAME COND-STRING-FOR-MESSAGE CMD...
	local name=$1 msg=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$msg"; fi
}
on_exit() { _cleanups+=("$1"); }
_run_cleanups() { for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1; done; }
trap _run_cleanups EXIT
finish() { exit $((failures > 0)); }

ensure_fs() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
}

# veth_pair NAME: namespaces NAME-a/NAME-b joined by veth a0 <-> b0, torn down on exit.
veth_pair() {
	local n=$1
	ip netns add "$n-a" && ip netns add "$n-b" || return 1
	on_exit "ip netns delete $n-a; ip netns delete $n-b"
	ip link add a0 netns "$n-a" type veth peer name b0 netns "$n-b" || return 1
	ip -n "$n-a" link set a0 up && ip -n "$n-b" link set b0 up
}

# Ids of loaded programs with the names ringscope gives its programs.
our_prog_ids() { bpftool prog show 2>/dev/null | grep -E 'name (xsk_redirect|kmalloc|kfree|kmem_cache_\w+|sys_enter|netif_rx_entry|netif_receive_s\w*|consume_skb|kfree_skb|xdp_redirect\w*|fentry_[0-9]+|fexit_[0-9]+|kprobe_[0-9]+|kretprobe_[0-9]+|tp_[0-9]+) ' | cut -d: -f1 | sort; }
# Programs of ours loaded now that were not in $prog_baseline (set by mark_progs):
# other ringscope runs on the machine do not count.
mark_progs() { prog_baseline=$(our_prog_ids); }
# Programs are freed after an RCU grace period: give them up to 3 s to go.
_new_progs() { comm -13 <(echo "${prog_baseline:-}") <(our_prog_ids) | grep . || true; }
our_progs() { local p; for ((i = 0; i < 30; i++)); do p=$(_new_progs); [ -z "$p" ] && return; sleep 0.1; done; echo "$p"; }
# The BPF programs process PID holds (their ids, from its fdinfo): a test that
# checks them after the process ends cannot mistake another run's for its own.
pid_prog_ids() { grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -un; }
# Of the program ids given, those still loaded after up to 3 s (freed after RCU).
progs_left() {
	local i id left
	for ((i = 0; i < 30; i++)); do
		left=$(for id in "$@"; do bpftool prog show id "$id" >/dev/null 2>&1 && echo "$id"; done)
		[ -z "$left" ] && return
		sleep 0.1
	done
	echo $left
}
# Wait until FILE contains REGEX (up to SECS).
wait_for() { local f=$1 re=$2 secs=${3:-20}; for ((i = 0; i < secs * 10; i++)); do grep -Eq "$re" "$f" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
