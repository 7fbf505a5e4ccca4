#!/usr/bin/env bash
# What trace's BPF maps lock, and reading them without allocating:
# - the map_bytes a run reports equals the kernel's own accounting (memlock in
#   /proc/PID/fdinfo of every map the run holds) within 0.1 % (the map structs);
# - the figure it computes for 256 CPUs stays within 64 MiB, for --kmalloc
#   --slab with function slots loaded too;
# - with --include-self, ringscope's own reads of the funclat rows make no
#   per-key lookup allocations (map_lookup_elem, vmemdup_user): they are mmap-ed.
# timeout: 120
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"

# memlock of every BPF map pid holds, summed (one awk over all its fdinfo
# files: programs and links have a memlock line too, without map_type).
memlock_of() {
	awk 'FNR == 1 { map = 0 } /^map_type:/ { map = 1 } /^memlock:/ && map { sum += $2 } END { print sum + 0 }' \
		/proc/"$1"/fdinfo/* 2>/dev/null
}

"$RS" trace -t kmalloc --kmalloc --slab -d 8 -I 1 --json --no-pin >"$tmp/t.json" 2>"$tmp/t.err" &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_until 10 grep -q "BPF maps lock" "$tmp/t.err"
kernel=$(memlock_of "$pid")
wait "$pid"
rc=$?
final=$(tail -1 "$tmp/t.json")
ours=$(jq -r .map_bytes <<<"$final")
at256=$(jq -r .map_bytes_256cpu <<<"$final")
check map_mem_run_exit0 "rc $rc: $(tail -2 "$tmp/t.err")" [ "$rc" -eq 0 ]
check map_mem_matches_kernel "ringscope $ours B, kernel memlock $kernel B" \
	awk -v a="${ours:-0}" -v b="${kernel:-0}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= b / 1000) }'
check map_mem_256cpu_within_64MiB "$at256 B on 256 CPUs" [ "${at256:-999999999}" -le $((64 << 20)) ]
check map_mem_header_says_it "$(head -c 400 "$tmp/t.err")" \
	grep -qE 'BPF maps lock [0-9.]+ MiB here \([0-9]+ CPUs\), [0-9.]+ MiB on 256 CPUs' "$tmp/t.err"

# ringscope's own reads, counted by itself: 5 intervals a second for 3 s. Under
# a name of its own, so other ringscope processes on the machine stay out.
cp "$RS" "$tmp/rsmapself"
timeout 20 "$tmp/rsmapself" trace -t kmalloc --kmalloc --include-self --comm rsmapself -d 3 -I 0.2 --json --no-pin \
	>"$tmp/self.json" 2>"$tmp/self.err"
self=$(tail -1 "$tmp/self.json")
lookups=$(jq '[.kmalloc_sites[] | select(.func == "map_lookup_elem" or .func == "vmemdup_user") | .allocs] | add // 0' <<<"$self")
batch=$(jq '[.kmalloc_sites[] | select(.func | test("batch")) | .allocs] | add // 0' <<<"$self")
check map_read_sees_itself "batched kmem_sites reads seen: $batch allocations" [ "${batch:-0}" -gt 0 ]
expect map_read_no_per_key_lookups "$lookups" 0 "$(jq -c '[.kmalloc_sites[] | {site, allocs}]' <<<"$self" | head -c 400)"
finish
