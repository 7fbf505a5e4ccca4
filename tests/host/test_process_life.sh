#!/usr/bin/env bash
# A clean process life (issue 11, faults 5-9): pins and demo namespaces owned
# by a lock that survives a renamed binary; every stop signal and a closed
# stdout clean up like Ctrl-C, with the exit status and "interrupted" the
# docs give (docs/process-life.md); refused options are one line (one JSON
# error object under --json); repeated list options add up; the NDJSON
# intervals of trace add up to its final counts. Every world is private:
# rst-life-*-$$ namespaces, the host's interfaces are never used.
# timeout: 600
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_process_life: must run as root"; exit 1; }
ensure_fs
mark_progs

# no_pins PID: no pin directory of that process is left.
no_pins() { ! ls -d "$PIN_ROOT"/*-"$1" >/dev/null 2>&1; }
no_demo_ns() { ! ip netns list | grep -qE "^rs-demo-$1-(tx|rx)\b"; }

# --- pins: a renamed binary's live run keeps them; after SIGKILL, cleanup ---
renamed=$tmp/rs-renamed-$$
cp "$RS" "$renamed"
"$renamed" trace -t kfree -I 3600 >"$tmp/ren.out" 2>"$tmp/ren.err" &
ren=$!
on_exit "kill -KILL $ren"
if wait_for "$tmp/ren.err" 'maps pinned at' 20; then
	dir=$PIN_ROOT/trace-$ren
	check renamed_pins_present "$(cat "$tmp/ren.err")" [ -e "$dir/func_stats" ]
	# Another run that pins: it removes stale directories as it starts.
	"$RS" trace -t kfree -d 0.3 >/dev/null 2>"$tmp/other.err"
	check renamed_pins_kept_while_live "$dir after another run: $(ls "$dir" 2>&1)" [ -e "$dir/func_stats" ]
	timeout 30 "$RS" cleanup >"$tmp/cleanup1.out" 2>&1
	check cleanup_keeps_live_run "$(cat "$tmp/cleanup1.out")" \
		eval "[ -e '$dir/func_stats' ] && grep -qx 'kept    $dir: locked by a live run' '$tmp/cleanup1.out'"
	kill -KILL $ren
	wait $ren 2>/dev/null
	check sigkill_pins_stay "$dir gone before cleanup" [ -d "$dir" ]
	timeout 30 "$RS" cleanup >"$tmp/cleanup2.out" 2>&1
	rc=$?
	check cleanup_removes_dead_run "rc $rc: $(cat "$tmp/cleanup2.out")" \
		eval "[ $rc -eq 0 ] && [ ! -e '$dir' ] && grep -qx 'removed $dir: its run is gone' '$tmp/cleanup2.out'"
	grep -Eq '^removed [1-9][0-9]* pinned run director(y|ies) and [0-9]+ demo namespaces?; kept [0-9]+ and [0-9]+ of live runs$' \
		"$tmp/cleanup2.out" && pass cleanup_summary_line || fail cleanup_summary_line "$(cat "$tmp/cleanup2.out")"
else
	fail renamed_ready "$(cat "$tmp/ren.err")"
fi

# --- demo: its namespaces are locked while it runs; SIGUSR1 cuts it short ---
rs_bg demo 60 demo -d 30 --json
if rs_ready demo 'demo: .*netns'; then
	pid=$(rs_pid demo)
	on_exit "ip netns delete rs-demo-$pid-tx; ip netns delete rs-demo-$pid-rx; rm -rf $PIN_ROOT/gen-$pid $PIN_ROOT/trace-$pid"
	timeout 30 "$RS" cleanup >"$tmp/cleanup3.out" 2>&1
	check demo_cleanup_keeps_live "$(cat "$tmp/cleanup3.out")" \
		eval "grep -qx 'kept    netns rs-demo-$pid-tx: locked by a live run' '$tmp/cleanup3.out' &&
		      ip netns list | grep -q '^rs-demo-$pid-tx'"
	sleep 1
	kill -USR1 "$pid"
	rs_wait demo
	expect demo_sigusr1_exit138 "$(rc_of demo)" 138 "$(tail -2 "$tmp/demo.err")"
	expect_final demo_sigusr1_interrupted demo interrupted=true
	check demo_sigusr1_no_namespaces "$(ip netns list | grep "rs-demo-$pid")" no_demo_ns "$pid"
	check demo_sigusr1_no_pins "$(ls "$PIN_ROOT")" no_pins "$pid"
else
	fail demo_ready "$(tail -2 "$tmp/demo.err")"
fi

# --- a closed stdout ends the run through the same cleanup -----------------
# demo -d 4 | head -1: bounded and cut short by SIGPIPE: 128 + 13.
timeout --kill-after=5 60 bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/pipe.pid" "$RS" demo -d 4 2>"$tmp/pipe.err" |
	head -1 >"$tmp/pipe.out"
rc=${PIPESTATUS[0]}
pid=$(cat "$tmp/pipe.pid")
on_exit "ip netns delete rs-demo-$pid-tx; ip netns delete rs-demo-$pid-rx; rm -rf $PIN_ROOT/gen-$pid"
expect demo_head_exit141 "$rc" 141 "$(tail -2 "$tmp/pipe.err")"
check demo_head_one_line "$(cat "$tmp/pipe.out")" grep -q 'tx .*kpps' "$tmp/pipe.out"
check demo_head_no_namespaces "$(ip netns list | grep "rs-demo-$pid")" no_demo_ns "$pid"
check demo_head_no_pins "$(ls "$PIN_ROOT")" no_pins "$pid"
check demo_head_no_link "$(ip -o link | grep "rsd$pid")" eval "! ip -o link | grep -q 'rsd$pid'"

c=rst-life-pipe-$$
veth_pair "$c"
# gen rx without -d/-n: a closed stdout is its normal end, exit 0.
timeout --kill-after=5 60 bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/gpipe.pid" "$RS" gen rx -i b0 --netns "$c-b" \
	2>"$tmp/gpipe.err" | head -1 >"$tmp/gpipe.out"
rc=${PIPESTATUS[0]}
pid=$(cat "$tmp/gpipe.pid")
expect gen_rx_head_exit0 "$rc" 0 "$(tail -2 "$tmp/gpipe.err")"
check gen_rx_head_no_xdp "XDP still on b0" wait_until 5 no_xdp "$c-b" b0
check gen_rx_head_no_pins "$(ls "$PIN_ROOT")" no_pins "$pid"
pair_down "$c"

# --- every stop signal: unbounded runs exit 0, bounded ones 128 + N ---------
c=rst-life-sig-$$
veth_pair "$c"
# sig_case NAME SIGNAL WANT_RC ARGS...: gen rx on b0, stopped by SIGNAL.
sig_case() {
	local name=$1 sig=$2 want=$3 pid id
	shift 3
	rs_bg "$name" 60 gen rx -i b0 --netns "$c-b" --json "$@"
	if ! rs_ready "$name" 'rx on '; then
		fail "${name}_ready" "$(tail -2 "$tmp/$name.err")"
		return
	fi
	pid=$(rs_pid "$name")
	id=$(xdp_id "$c-b" b0)
	kill -"$sig" "$pid"
	rs_wait "$name"
	expect "${name}_exit$want" "$(rc_of "$name")" "$want" "$(tail -2 "$tmp/$name.err")"
	expect_final "${name}_interrupted" "$name" interrupted=true
	expect_nothing_left "$name" "$c-b" b0 "$pid" "$id"
}
for sig in USR1 USR2 QUIT HUP TERM INT PIPE; do
	sig_case "unbounded_$sig" "$sig" 0
done
sig_case bounded_INT INT 130 -d 30
sig_case bounded_TERM TERM 143 -d 30
sig_case bounded_USR1 USR1 138 -n 100000000
pair_down "$c"

# trace, all its modes share one loop: unbounded -> 0, bounded -> 128 + N,
# a natural end -> not interrupted.
rs_bg tr_unb 30 trace -t kfree --json
rs_ready tr_unb 'tier'
kill -QUIT "$(rs_pid tr_unb)"
rs_wait tr_unb
expect trace_unbounded_sigquit_exit0 "$(rc_of tr_unb)" 0 "$(tail -2 "$tmp/tr_unb.err")"
expect_final trace_unbounded_sigquit_interrupted tr_unb interrupted=true
check trace_unbounded_sigquit_no_pins "$(ls "$PIN_ROOT")" no_pins "$(rs_pid tr_unb)"
rs_bg tr_b 30 trace -t kfree -d 20 --json
rs_ready tr_b 'tier'
kill -HUP "$(rs_pid tr_b)"
rs_wait tr_b
expect trace_bounded_sighup_exit129 "$(rc_of tr_b)" 129 "$(tail -2 "$tmp/tr_b.err")"
check trace_bounded_sighup_no_pins "$(ls "$PIN_ROOT")" no_pins "$(rs_pid tr_b)"
rs_fg tr_end 30 trace -t kfree -d 0.5 --json
expect trace_natural_end_exit0 "$(rc_of tr_end)" 0 "$(tail -2 "$tmp/tr_end.err")"
expect_final trace_natural_end_not_interrupted tr_end interrupted=false

# zc-gen has its own loop (a sender thread): the same stop, the same statuses.
rs_bg zc 60 zc-gen -d 30 --json
if wait_for "$tmp/zc.out" '"type":"interval"' 20; then
	kill -USR2 "$(rs_pid zc)"
	rs_wait zc
	expect zc_gen_bounded_sigusr2_exit140 "$(rc_of zc)" 140 "$(tail -2 "$tmp/zc.err")"
	expect_final zc_gen_bounded_sigusr2_interrupted zc interrupted=true
else
	fail zc_gen_ready "$(tail -2 "$tmp/zc.err")"
fi

# --- refusals: one line on stderr; under --json one error object on stdout ---
c=rst-life-bad-$$
veth_pair "$c"
# refused NAME REGEX ARGS...: ringscope ARGS is refused with exactly one line
# matching "error: .*REGEX"; run again with --json (unless ARGS has it): stdout
# is exactly one {"type":"error"} object whose message matches; no pins left.
refused() {
	local name=$1 re=$2 rc lines pid
	shift 2
	timeout --kill-after=5 30 bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/$name.pid" "$RS" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$? lines=$(wc -l <"$tmp/$name.err") pid=$(cat "$tmp/$name.pid")
	if ((rc == 0 || rc >= 124)); then
		fail "$name" "exit status $rc: $(tr '\n' ' ' <"$tmp/$name.err")"
	elif ((lines != 1)) || ! grep -Eq "^ringscope( [a-z-]+)?: error: .*$re" "$tmp/$name.err"; then
		fail "$name" "want one line /error: .*$re/, got $lines: $(tr '\n' '|' <"$tmp/$name.err")"
	else
		pass "$name"
	fi
	check "${name}_no_pins" "$(ls "$PIN_ROOT")" no_pins "$pid"
	[[ " $* " == *" --json "* ]] || set -- "$@" --json
	timeout --kill-after=5 30 "$RS" "$@" >"$tmp/$name.jout" 2>/dev/null
	if [[ $(wc -l <"$tmp/$name.jout") -eq 1 ]] &&
		jq -e --arg re "$re" '.type == "error" and (.message | test($re))' "$tmp/$name.jout" >/dev/null 2>&1; then
		pass "${name}_json"
	else
		fail "${name}_json" "stdout: $(tr '\n' '|' <"$tmp/$name.jout")"
	fi
}
ncpus=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
refused bad_cpu_beyond "--cpu $ncpus: this machine has CPUs? 0\\.\\.$((ncpus - 1))" trace --kmalloc --cpu "$ncpus" -d 1
refused bad_comm_without_kmalloc "--comm applies to the kmalloc view only: add --kmalloc" trace -t kfree --comm x -d 1
refused bad_site_without_kmalloc "--site applies to the kmalloc view only" trace -t kfree --site kfree -d 1
refused bad_two_sites "--site kfree,vfree: one function per run" trace --kmalloc --site kfree --site vfree -d 1
refused bad_json_hist "--hist is for the text view.*drop --hist" trace --kmalloc --hist --json -d 1
refused bad_peer_without_iface "--peer b0 needs -i IFACE" run --peer b0 -d 1
refused bad_no_trace_comm "--no-trace contradicts the trace options given" run --no-trace --comm x -d 1
refused bad_demo_zero "-d 0: the demo is a run of a set length" demo -d 0
refused bad_comm_too_long "--comm '0123456789abcdef': a task name \\(comm\\) has 1 to 15 characters" \
	trace --kmalloc --comm 0123456789abcdef -d 1
refused bad_flag_with_value "--no-pin takes no value" trace --kmalloc --no-pin=yes -d 1
# demo makes its own pair: its help shows its own defaults and no link options.
"$RS" demo --help >"$tmp/demo.help"
check demo_help_own_defaults "$(grep -E 'duration|rate|force' "$tmp/demo.help" | tr '\n' '|')" \
	eval "grep -q 'length of the run (default 10)' '$tmp/demo.help' && grep -q 'default 500000' '$tmp/demo.help' &&
		! grep -qE -- '--(force|replace|dst-mac)' '$tmp/demo.help'"
refused bad_parse_number "--cpu: 'x' is not a whole number" trace --kmalloc --cpu x
refused bad_parse_unknown "unknown option '--nope'" gen rx -i b0 --netns "$c-b" --nope
refused bad_unknown_command "unknown command 'bogus'" bogus
# A second queue on a 1-queue link: the error alone, no zero-copy notice of queue 0 first.
refused bad_queue_pair "queue 1 is out of range: b0 has 1 queue" gen rx -i b0 --netns "$c-b" -q 0-1 -d 1
check bad_queue_pair_no_xdp "XDP on b0" no_xdp "$c-b" b0
# run checks -i before it sets up the receiver on --peer.
refused bad_run_iface_first "no interface 'nosuch0'" run -i nosuch0 --peer b0 --no-pin -d 1 --no-trace
check bad_run_iface_first_no_xdp "XDP on b0" no_xdp "$c-b" b0
timeout 30 ip netns exec "$c-b" "$RS" run -i nosuch0 --peer b0 --no-pin -d 1 --no-trace >"$tmp/ns.out" 2>"$tmp/ns.err"
rc=$?
check bad_run_iface_first_in_ns "rc $rc: $(tr '\n' '|' <"$tmp/ns.err")" \
	eval "[ $rc -ne 0 ] && [ \$(wc -l <'$tmp/ns.err') -eq 1 ] && grep -q \"no interface 'nosuch0'\" '$tmp/ns.err' && no_xdp '$c-b' b0"
pair_down "$c"

# --- repeated list options add up -------------------------------------------
rs_fg lists 30 trace -t kmalloc -t kfree -d 1 --json --no-pin
f=$(final_of lists)
n=$(jq '[.functions[] | select((.name == "kmalloc" or .name == "kfree") and .calls > 0)] | length' <<<"$f" 2>/dev/null)
expect repeated_t_counts_both "${n:-none}" 2 "$(jq -c '.functions' <<<"$f" 2>/dev/null)"
rs_fg lists2 30 trace -t kmalloc --tracepoint kfree,kmem_cache_free -t napi_poll -d 0.5 --json --no-pin
expect repeated_t_in_order "$(final_of lists2 | jq -r '[.functions[].name] | join(",")')" "kmalloc,kfree,kmem_cache_free,napi_poll"

# --- NDJSON intervals add up to the final counts (trace -t, trace --kmalloc) -
# sums_match NAME FILE JQ_ROWS: JQ_ROWS maps an object to "key value" lines;
# the interval objects' values summed per key must equal the final object's.
sums_match() {
	local name=$1 file=$2 rows=$3
	jq -r "select(.type == \"interval\") | $rows" "$file" | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' |
		sort >"$tmp/$name.sum"
	jq -r "select(.type == \"final\") | $rows" "$file" | awk '$2 > 0' | sort >"$tmp/$name.fin"
	awk '$2 > 0' "$tmp/$name.sum" >"$tmp/$name.sum1"
	if [[ ! -s $tmp/$name.fin ]]; then
		fail "$name" "no non-zero final counts: $(tail -1 "$file" | cut -c1-200)"
	elif diff "$tmp/$name.sum1" "$tmp/$name.fin" >"$tmp/$name.diff"; then
		pass "$name"
	else
		fail "$name" "interval sums != final: $(head -5 "$tmp/$name.diff" | tr '\n' '|')"
	fi
}
# An idle host can go seconds without one allocation (seen: 0 kmalloc and 0
# kmem_cache_alloc events in 1 s, bpftrace agreeing): give the runs their own
# (each read of /proc/self/status allocates a seq_file buffer and a file).
allocate() { local end=$((SECONDS + $1)); while ((SECONDS < end)); do cat /proc/self/status >/dev/null; done; }
allocate 3 & alloc_pid=$!
rs_fg sum_tp 30 trace -t kmalloc,kfree -I 0.2 -d 2 --json --no-pin
wait $alloc_pid
sums_match trace_tp_interval_sums "$tmp/sum_tp.out" '.functions[] | "\(.name) \(.calls)"'
allocate 3 & alloc_pid=$!
rs_fg sum_km 30 trace --kmalloc --slab --top 10000 -I 0.25 -d 2 --json --no-pin
wait $alloc_pid
sums_match trace_kmalloc_interval_sums_allocs "$tmp/sum_km.out" '.kmalloc_sites[] | "\(.site)/\(.kind) \(.allocs)"'
sums_match trace_kmalloc_interval_sums_frees "$tmp/sum_km.out" '.kmalloc_sites[] | "\(.site)/\(.kind) \(.frees)"'
sums_match trace_kmalloc_interval_sums_bytes "$tmp/sum_km.out" '.kmalloc_sites[] | "\(.site)/\(.kind) \(.bytes_alloc)"'
n=$(grep -c '"type":"interval"' "$tmp/sum_tp.out")
check trace_last_stretch_is_an_interval "$n intervals for -d 2 -I 0.2" [ "$n" -eq 10 ]

# --- run: an interval's per-packet figures are over that interval's packets -
# (before, each interval divided by its packets minus the previous interval's:
# at a steady rate about 0, so calls_per_pkt was far off or missing.)
rs_fg perpkt 60 run -t netif_receive_skb -r 20000 -d 3 -I 0.5 --no-pin --json
pid=$(rs_pid perpkt)
on_exit "ip netns delete rs-demo-$pid-tx; ip netns delete rs-demo-$pid-rx"
jq -r 'select(.type == "interval" and .packets_tx > 0) | .packets_tx as $p | .functions[] | select(.calls > 0) |
	"\($p) \(.calls) \(.calls_per_pkt // "missing")"' "$tmp/perpkt.out" >"$tmp/perpkt.rows"
bad=$(awk '$3 == "missing" || ($3 - $2 / $1) ^ 2 > (1e-4 * $2 / $1) ^ 2' "$tmp/perpkt.rows")
check run_interval_calls_per_pkt "rc $(rc_of perpkt), $(wc -l <"$tmp/perpkt.rows") rows (packets calls calls_per_pkt), off: $(head -3 <<<"$bad" | tr '\n' '|') $(tail -1 "$tmp/perpkt.err")" \
	eval '[ "$(rc_of perpkt)" = 0 ] && [ "$(wc -l <"$tmp/perpkt.rows")" -ge 4 ] && [ -z "$bad" ]'

# --- cleanup touches only what ringscope makes (a private bpffs) ------------
# A directory not named COMMAND-PID is not ours; one with a subdirectory (which
# ringscope never makes) cannot be removed: both get a line, neither is lost.
out=$(unshare -m bash -c 'mount --make-rprivate / && mount -t bpf bpf /sys/fs/bpf &&
	mkdir -p /sys/fs/bpf/ringscope/other /sys/fs/bpf/ringscope/gen-abc /sys/fs/bpf/ringscope/gen-999993/sub \
		/sys/fs/bpf/ringscope/gen-999994 &&
	"$0" cleanup && ls /sys/fs/bpf/ringscope | tr "\n" " "' "$RS" 2>&1)
check cleanup_skips_foreign_dirs "$out" eval '[[ $out == *"skipped /sys/fs/bpf/ringscope/other:"* && $out == *"skipped /sys/fs/bpf/ringscope/gen-abc:"* ]]'
check cleanup_reports_failure "$out" eval '[[ $out == *"failed  /sys/fs/bpf/ringscope/gen-999993:"* ]]'
check cleanup_private_bpffs_removes_only_dead_run "$out" eval '[[ $out == *"removed /sys/fs/bpf/ringscope/gen-999994:"* && $out == *"gen-999993 gen-abc other "* ]]'

# --- nothing of ours left loaded ----------------------------------------------
left=$(our_progs)
check no_programs_left "still loaded: $left" [ -z "$left" ]
finish
