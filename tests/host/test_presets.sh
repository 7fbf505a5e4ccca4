#!/usr/bin/env bash
# Presets are honest per tier: under the workload the preset table
# (user/trace/trace_presets.c, `trace -p list`) names, every event it says must fire
# counts > 0, and the header and JSON name exactly the blind spots it lists
# for this host's tier. Presets whose workload needs a virtio-net NIC (VM lab)
# are checked here for their blind spots only.
set -u
. "$(dirname "$0")/../lib/common.sh"
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
"$RS" probe --json >"$tmp/probe.json" 2>/dev/null
tier=$(jq -r .tier "$tmp/probe.json")
tier_col=$([ "$tier" = tracepoint ] && echo tracepoint || echo "fentry, kprobe")
"$RS" trace -p list >"$tmp/table.md"
check presets_table_listed "trace -p list: $(head -c 200 "$tmp/table.md")" [ "$(grep -c '^| [a-z]' "$tmp/table.md")" -ge 9 ]
docs=$(dirname "$0")/../../docs/trace-counts.md
missing=$(grep -vxFf "$docs" "$tmp/table.md" | head -1)
check presets_table_in_docs "docs/trace-counts.md lacks: ${missing:0:160}" [ -z "$missing" ]
c=rst-pre-$$
veth_pair "$c"
mark_progs

# field N of the table row for PRESET on this tier
field() { awk -F' [|] ' -v p="| $1" -v t="$tier_col" '$1 == p && $2 == t {sub(/ [|]$/, "", $'"$2"'); print $'"$2"'}' "$tmp/table.md"; }

for preset in $(awk -F' [|] ' 'NR > 2 {sub(/^\| /, "", $1); print $1}' "$tmp/table.md" | sort -u); do
	must=$(field "$preset" 4) blind=$(field "$preset" 5) workload=$(field "$preset" 6)
	must=${must% (+ kmalloc churn)}
	"$RS" trace -p "$preset" -I 3600 --json --no-pin >"$tmp/$preset.json" 2>"$tmp/$preset.err" &
	pid=$!
	on_exit "kill -KILL $pid"
	wait_for "$tmp/$preset.err" tier 20
	if [[ $workload == *veth* || $workload == any ]]; then
		"$RS" gen rx -i b0 --netns "$c-b" -n 5000 -d 20 --no-pin >/dev/null 2>"$tmp/rx.err" &
		rx=$!
		wait_for "$tmp/rx.err" 'receiving|rx ' 10 || sleep 1
		"$RS" gen tx -i a0 --netns "$c-a" -n 5000 -r 50000 --no-pin >/dev/null 2>"$tmp/tx.err"
		wait $rx
	fi
	sleep 0.3
	kill -INT $pid; wait $pid
	final=$(grep '"type":"final"' "$tmp/$preset.json" | tail -1)
	got_blind=$(jq -r '.blind | join("; ") | if . == "" then "-" else . end' <<<"$final")
	check "preset_${preset}_json_blind" "JSON blind '$got_blind', table '$blind'" [ "$got_blind" = "$blind" ]
	# the header ends with exactly the table's blind spots, or has none
	header=$(head -1 "$tmp/$preset.err") hblind=-
	[[ $header == *"; blind on this tier: "* ]] && hblind=${header#*; blind on this tier: }
	check "preset_${preset}_header_blind" "header blind '$hblind', table '$blind'" [ "$hblind" = "$blind" ]
	[[ $workload == *veth* || $workload == any ]] || continue
	zero=""
	for ev in ${must//,/ }; do
		[ "$ev" = - ] && continue
		n=$(jq -r --arg e "$ev" '[.functions[] | select(.name == $e) | .calls] | add // 0' <<<"$final")
		((n > 0)) || zero+=" $ev=$n"
	done
	check "preset_${preset}_events_fire" "events that must fire counted 0:$zero (gen tx: $(tail -1 "$tmp/tx.err"))" [ -z "$zero" ]
	if [[ $(field "$preset" 4) == *kmalloc* ]]; then
		n=$(jq '.kmalloc_sites_active // 0' <<<"$final")
		check "preset_${preset}_kmalloc_sites" "kmalloc sites active: $n" [ "$n" -gt 0 ]
	fi
done
check presets_no_program_left "programs: $(our_progs | tr '\n' ' ')" [ -z "$(our_progs)" ]
finish
