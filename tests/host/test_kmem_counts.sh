#!/usr/bin/env bash
# kmalloc accounting that follows the kernel's event semantics, checked with
# exact counts against a known workload and against bpftrace's raw event
# stream: failed allocations (ptr == NULL), the inner event of a large
# kmalloc, compiler clones in symbol resolution, and the observer leaving its
# own thread out.
set -u
. "$(dirname "$0")/../lib/common.sh"
ensure_fs
root=$(cd "$(dirname "$0")/../.." && pwd)
helper=$root/build/helpers/rs_pktring
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
if [ ! -x "$helper" ]; then fail kmem_helper_built "$helper missing: run make"; finish; fi
mark_progs

# --- a failing 8 MiB and a successful 9600 B kmalloc at packet_set_ring -----
# (see tests/helpers/rs_pktring.c). Only the helper's own events are counted
# (--comm), by ringscope and by bpftrace over the same run.
"$RS" trace --kmalloc --comm rs_pktring --top 100 --json --no-pin -I 3600 >"$tmp/rs.json" 2>"$tmp/rs.err" &
rs_pid=$!
bpftrace "$root/tracing/kmalloc_events.bt" rs_pktring >"$tmp/bt.txt" 2>"$tmp/bt.err" &
bt_pid=$!
on_exit "kill -KILL $rs_pid $bt_pid"
wait_for "$tmp/rs.err" tier 20 && wait_for "$tmp/bt.txt" Attaching 30
# bpftrace prints "Attaching" before it attaches: wait until its 3 tracepoint
# programs are really attached (bpftool perf lists them per pid).
for ((i = 0; i < 300; i++)); do
	[ "$(bpftool perf show --json 2>/dev/null | jq --argjson p $bt_pid '[.[] | select(.pid == $p)] | length')" -ge 3 ] && break
	sleep 0.1
done
unshare -n "$helper" >"$tmp/helper.out" 2>&1
helper_rc=$?
sleep 0.3
kill -INT $bt_pid $rs_pid; wait $bt_pid $rs_pid 2>/dev/null
check kmem_helper_ran "rc $helper_rc: $(cat "$tmp/helper.out")" [ $helper_rc -eq 0 ]
final=$(tail -1 "$tmp/rs.json")
# The call site of the table: the row that saw the failure.
row=$(jq -c '[.kmalloc_sites[] | select(.func == "packet_set_ring" and .failed > 0)]' <<<"$final")
got=$(jq -r 'if length == 1 then .[0] | "\(.failed) \(.failed_bytes_req) \(.allocs) \(.bytes_req) \(.outstanding) \(.lifetime_samples)" else "rows=\(length)" end' <<<"$row")
check kmem_failed_and_large_at_one_site "failed bytes allocs bytes outstanding freed: want '1 8388600 1 9600 0 1', got '$got'" \
	[ "$got" = "1 8388600 1 9600 0 1" ]
# The table lived from setsockopt to close: one lifetime sample, reported
# exactly (p50 == p99 == that value), not as the top of its log2 bucket.
life=$(jq -r '.[0] | "\(.lifetime_ns_exact) \(.lifetime_ns_samples) \(.lifetime_ns_p50 == .lifetime_ns_p99) \(.lifetime_ns_p50 > 0)"' <<<"$row")
check kmem_lone_lifetime_exact "exact samples p50==p99 p50>0: '$life'" [ "$life" = "true 1 true true" ]
# The whole function: the table and the 1200-frame rx_owner_map bitmap (152 B),
# both freed when the socket closes.
fn=$(jq -r '[.kmalloc_sites[] | select(.func == "packet_set_ring")] | "\(map(.allocs) | add) \(map(.bytes_req) | add) \(map(.failed) | add) \(map(.failed_bytes_req) | add) \(map(.frees) | add) \(map(.outstanding) | add)"' <<<"$final")
check kmem_packet_set_ring_totals "allocs bytes failed failed_bytes frees outstanding: want '2 9752 1 8388600 2 0', got '$fn'" \
	[ "$fn" = "2 9752 1 8388600 2 0" ]
inner_rows=$(jq -r '[.kmalloc_sites[] | select(.func | test("^__k(v)?malloc(_node)?(_track_caller)?_noprof"))] | length' <<<"$final")
check kmem_no_inner_rows "rows at the kmalloc entry functions: $inner_rows" [ "$inner_rows" = 0 ]
# bpftrace: "@map[func]: N" lines of the raw stream.
bt() { awk -v m="@$1[$2]:" '$1 == m {n += $2} END {print n + 0}' "$tmp/bt.txt"; }
bt_fn="$(bt allocs packet_set_ring) $(bt bytes packet_set_ring) $(bt failed packet_set_ring) $(bt failed_bytes packet_set_ring) $(bt frees packet_set_ring)"
check kmem_agrees_with_bpftrace "bpftrace packet_set_ring allocs bytes failed failed_bytes frees: '$bt_fn', ringscope '${fn% *}'" \
	[ "$bt_fn" = "${fn% *}" ]
# The raw stream does carry the inner events ringscope dropped: one failed
# and one successful at __kmalloc_noprof, the same sizes.
inner="$(bt allocs __kmalloc_noprof) $(bt bytes __kmalloc_noprof) $(bt failed __kmalloc_noprof) $(bt failed_bytes __kmalloc_noprof)"
check kmem_bpftrace_sees_inner_events "bpftrace __kmalloc_noprof allocs bytes failed failed_bytes: '$inner'" \
	[ "$inner" = "1 9600 1 8388600" ]

# --- the observer leaves its own thread out --------------------------------
# A renamed copy counts only tasks of its own name: itself. By default no call
# site may show; with --include-self its own map reads must show (so the check
# can fail).
cp "$RS" "$tmp/rs_selfchk"
for mode in default include; do
	extra=; [ $mode = include ] && extra=--include-self
	"$tmp/rs_selfchk" trace --kmalloc --comm rs_selfchk $extra -I 0.1 -d 2 --json --no-pin >"$tmp/self.$mode" 2>"$tmp/self.$mode.err"
	jq -s '[.[] | select(.kmalloc_sites) | .kmalloc_sites[] | .allocs + .frees + .failed] | add // 0' "$tmp/self.$mode" >"$tmp/self.$mode.n"
done
check kmem_self_left_out "own events counted by default: $(cat "$tmp/self.default.n") ($(tail -1 "$tmp/self.default.err"))" \
	[ "$(cat "$tmp/self.default.n")" = 0 ]
check kmem_self_header_says_so "header: $(head -1 "$tmp/self.default.err")" grep -q 'own map-reading thread left out' "$tmp/self.default.err"
check kmem_include_self_counts_own_reads "own events with --include-self: $(cat "$tmp/self.include.n")" \
	[ "$(cat "$tmp/self.include.n")" -gt 0 ]

# --- compiler clones ---------------------------------------------------------
clone=$(awk '$3 ~ /^finish_task_switch\./ && $3 !~ /cold/ {print $3; exit}' /proc/kallsyms)
if [ -n "$clone" ] && ! grep -qE ' finish_task_switch$' /proc/kallsyms; then
	"$RS" trace -f finish_task_switch -d 1 --no-pin >/dev/null 2>"$tmp/clone.err"
	check trace_clone_only_function_named "stderr: $(cat "$tmp/clone.err")" \
		grep -q "only as the compiler clone $clone.*kprobe" "$tmp/clone.err"
	check trace_clone_not_unknown "stderr: $(cat "$tmp/clone.err")" bash -c "! grep -q 'no kernel function' $tmp/clone.err"
	# A glob matches the clone too: it resolves (and then needs a function tier).
	"$RS" trace -f 'finish_task_sw*' -d 1 --no-pin >/dev/null 2>"$tmp/glob.err"
	check trace_glob_matches_clone "stderr: $(cat "$tmp/glob.err")" bash -c "! grep -q 'matches no attachable' $tmp/glob.err"
else
	fail trace_clone_only_function_named "this kernel has finish_task_switch itself or no clone of it: pick another clone-only function"
fi
if grep -qE ' put_files_struct\.part\.[0-9]+$' /proc/kallsyms; then
	"$RS" trace --kmalloc --site put_files_struct -d 2 -I 3600 --json --no-pin >"$tmp/site.json" 2>"$tmp/site.err" &
	site_pid=$!
	wait_for "$tmp/site.err" tier 20
	for i in $(seq 20); do /bin/true; done
	wait $site_pid
	nclone=$(tail -1 "$tmp/site.json" | jq '[.kmalloc_sites[] | select(.func | startswith("put_files_struct.part.")) | .frees] | add // 0')
	check trace_site_includes_clones "frees in put_files_struct.part.N during 20 exits: $nclone" [ "$nclone" -gt 0 ]
else
	fail trace_site_includes_clones "no put_files_struct.part.N in this kernel: pick another clone"
fi
# --- the same large size again and again: once each ------------------------
# The pointer of one allocation often comes back for the next: the pair
# matching in kmem.bpf.c must not take a reused pointer for the second event
# of an earlier pair. 1 + 5 rings of 9600 B: 6 allocs, 6 lifetimes, 0 outstanding.
"$RS" trace --kmalloc --comm rs_pktring --top 100 --json --no-pin -I 3600 >"$tmp/rs2.json" 2>"$tmp/rs2.err" &
rs_pid=$!
on_exit "kill -KILL $rs_pid"
wait_for "$tmp/rs2.err" tier 20
unshare -n "$helper" 5 >"$tmp/helper2.out" 2>&1
sleep 0.3
kill -INT $rs_pid; wait $rs_pid 2>/dev/null
got=$(tail -1 "$tmp/rs2.json" | jq -r '[.kmalloc_sites[] | select(.func == "packet_set_ring" and .bytes_req >= 9600)] |
	"\(map(.allocs) | add) \(map(.bytes_req) | add) \(map(.failed) | add) \(map(.outstanding) | add) \(map(.lifetime_samples) | add)"')
check kmem_repeated_large_counted_once "allocs bytes failed outstanding lifetimes: want '6 57600 1 0 6', got '$got' ($(tr '\n' ' ' <"$tmp/helper2.out"))" \
	[ "$got" = "6 57600 1 0 6" ]

check kmem_no_program_left "programs: $(our_progs | tr '\n' ' ')" [ -z "$(our_progs)" ]
finish
