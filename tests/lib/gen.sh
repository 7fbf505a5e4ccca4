# Helpers for the gen tests (after common.sh): ringscope runs bounded by
# timeout whose real pid is known, final JSON checks, leftover checks.
PIN_ROOT=/sys/fs/bpf/ringscope
tmp=$(mktemp -d /tmp/rst-test.XXXXXX)
on_exit "rm -rf $tmp"
declare -A _tpid _rc

# Exact-count cases run their receivers as SCHED_FIFO: on a saturated 2-core
# machine (kernel builds, TCG guests) a normal-priority receiver is sometimes
# descheduled for 50+ ms, longer than any fill ring lasts at 200 kpps, and
# the check is about ringscope counting exactly, not about the machine's load.
# The receivers sleep in poll() when idle. RST_RT= (empty) turns this off.
RT=${RST_RT-chrt -f 10}
[[ -n $RT ]] && ! $RT true 2>/dev/null && RT=

_rs_start() {	# NAME LIMIT ARGS...: background; the pid file gets ringscope's own pid
	local name=$1 limit=$2
	shift 2
	rm -f "$tmp/$name.pid"
	_rc[$name]=
	# ${wrap:-}: a command that execs the rest (chrt), set by the caller.
	timeout --kill-after=5 "$limit" bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/$name.pid" ${wrap:-} "$RS" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	_tpid[$name]=$!
}
# rs_bg NAME LIMIT ARGS...: `ringscope ARGS` in the background, output in
# $tmp/NAME.out/.err, killed on exit if still there.
rs_bg() {
	local pid
	_rs_start "$@"
	wait_for "$tmp/$1.pid" . 5
	pid=$(cat "$tmp/$1.pid" 2>/dev/null)
	on_exit "kill -KILL ${_tpid[$1]} $pid"
}
# rs_fg NAME LIMIT ARGS...: the same in the foreground; rc_of NAME gives its status.
rs_fg() { _rs_start "$@"; rs_wait "$1"; }
rs_wait() { wait "${_tpid[$1]}" 2>/dev/null; _rc[$1]=$?; }
rc_of() { echo "${_rc[$1]}"; }
rs_pid() { cat "$tmp/$1.pid" 2>/dev/null; }
# rs_ready NAME REGEX: its stderr shows REGEX (the notice printed once it runs).
rs_ready() { wait_for "$tmp/$1.err" "$2" 20; }
final_of() { grep '"type":"final"' "$tmp/$1.out" | tail -1; }

# expect NAME GOT WANT [CONTEXT]
expect() {
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "got '$2', want '$3' ${4:-}"; fi
}
# expect_final NAME WHO KEY=VALUE...: fields of WHO's final JSON object.
expect_final() {
	local name=$1 who=$2 f bad="" kv k v got
	shift 2
	f=$(final_of "$who")
	if [[ -z $f ]]; then
		fail "$name" "no final JSON from $who: $(tail -2 "$tmp/$who.err" | tr '\n' ' ')"
		return
	fi
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		got=$(jq -r ".$k" <<<"$f")
		[[ $got == "$v" ]] || bad+=" $k=$got (want $v)"
	done
	if [[ -z $bad ]]; then
		pass "$name"
	else
		fail "$name" "$who:$bad; $(jq -c '{packets_tx,tx_pps,packets_rx,rx_dropped,rx_fill_ring_empty,rx_ring_full,foreign}' <<<"$f")"
	fi
}

xdp_id() { ip -n "$1" link show dev "$2" 2>/dev/null | grep -oP 'prog/xdp id \K[0-9]+'; }
no_xdp() { ! ip -n "$1" link show dev "$2" | grep -q xdp; }
prog_gone() { [[ -z $1 ]] || ! bpftool prog show id "$1" >/dev/null 2>&1; }
# wait_until SECS CMD...: CMD succeeds within SECS (program freeing is deferred).
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
# expect_nothing_left NAME NS IFACE PID PROG_ID: no XDP on the interface, the
# program freed, no pin directory of PID.
expect_nothing_left() {
	local name=$1 ns=$2 dev=$3 pid=$4 id=$5
	check "${name}_no_xdp" "XDP still on $dev" wait_until 5 no_xdp "$ns" "$dev"
	check "${name}_prog_freed" "program ${id:-?} still loaded" wait_until 10 prog_gone "$id"
	check "${name}_no_pins" "$PIN_ROOT/gen-$pid left" [ ! -e "$PIN_ROOT/gen-$pid" ]
}
pair_down() { ip netns delete "$1-a" 2>/dev/null; ip netns delete "$1-b" 2>/dev/null; }

# refused NAME FIX_REGEX NS DEV CMD...: run CMD (ringscope, maybe behind
# setpriv/unshare, which exec it: the pid stays) bounded by timeout, then check
# the exit status, the one error line, the fix it names, and the leftovers.
refused() {
	local name=$1 fix=$2 ns=$3 dev=$4 pid rc errs lines
	shift 4
	rm -f "$tmp/$name.pid"
	timeout --kill-after=5 30 bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/$name.pid" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	pid=$(cat "$tmp/$name.pid" 2>/dev/null)
	errs=$(grep -c 'error:' "$tmp/$name.err")
	lines=$(wc -l <"$tmp/$name.err")
	if ((rc == 0 || rc == 124 || rc == 137)); then
		fail "$name" "exit status $rc: $(tr '\n' ' ' <"$tmp/$name.err")"
	elif ((errs != 1 || lines != 1)); then
		# The error alone: no notice (a fallback, a queue that opened) before it.
		fail "$name" "$errs error lines in $lines: $(tr '\n' '|' <"$tmp/$name.err")"
	elif ! grep -E 'error:' "$tmp/$name.err" | grep -Eq "$fix"; then
		fail "$name" "the error does not name the fix /$fix/: $(grep error: "$tmp/$name.err")"
	elif ! grep -q '^ringscope gen: error: ' "$tmp/$name.err"; then
		fail "$name" "not a 'ringscope gen: error:' line: $(grep error: "$tmp/$name.err")"
	else
		pass "$name"
	fi
	[[ $ns == - ]] && return
	if [[ ${expect_xdp:-} ]]; then
		check "${name}_foreign_kept" "XDP on $dev is now '$(xdp_id "$ns" "$dev")', was $expect_xdp" \
			[ "$(xdp_id "$ns" "$dev")" = "$expect_xdp" ]
	else
		check "${name}_nothing_attached" "$(ip -n "$ns" link show "$dev" | grep xdp)" no_xdp "$ns" "$dev"
	fi
	check "${name}_nothing_pinned" "$PIN_ROOT/gen-${pid:-?} left" eval '[ -n "$pid" ] && [ ! -e "$PIN_ROOT/gen-$pid" ]'
}
