#!/usr/bin/env bash
# timeout: 30
# ringscope compare on the command line: bad input is refused with one line
# before any output; a valid A/B/A' writes the table and ab.json with every
# field; the same samples give the same bytes; a higher --ci level gives a
# CI at least as wide. (The statistics themselves: tests/unit/test_stats.c.)
set -u
. "$(dirname "$0")/../lib/common.sh"
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
qjq() { jq -e "$@" >/dev/null; }

for r in 1 2 3 4 5; do
	echo "pps $((1000 + r * 7))"; echo "kmalloc_per_pkt 1"; echo "start_xmit.p50_ns $((900 + r))"
done >"$tmp/a.txt"
for r in 1 2 3 4 5; do
	echo "pps $((1100 + r * 5))"; echo "kmalloc_per_pkt 0"; echo "start_xmit.p50_ns $((700 + r))"
done >"$tmp/b.txt"
for r in 1 2 3 4 5; do
	echo "pps $((1003 + r * 6))"; echo "kmalloc_per_pkt 1"; echo "start_xmit.p50_ns $((898 + r))"
done >"$tmp/a2.txt"

refused() {	# refused NAME ARGS...: non-zero exit, one stderr line, no stdout, no ab.json
	local name=$1 rc
	shift
	rm -f "$tmp/out.json"
	"$RS" compare "$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	local ok=0
	[ $rc -ne 0 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ] && [ ! -e "$tmp/out.json" ] && ok=1
	check "$name" "rc $rc, stdout $(head -c 80 "$tmp/o"), stderr: $(cat "$tmp/e")" [ $ok = 1 ]
}
echo "pps one" >"$tmp/bad.txt"
refused compare_needs_a_and_b --a "$tmp/a.txt" --ab-json "$tmp/out.json"
refused compare_missing_file --a "$tmp/a.txt" --b "$tmp/nope.txt" --ab-json "$tmp/out.json"
refused compare_bad_line --a "$tmp/a.txt" --b "$tmp/bad.txt" --ab-json "$tmp/out.json"
grep -q "bad.txt:1:" "$tmp/e" && pass compare_bad_line_names_file_and_line || fail compare_bad_line_names_file_and_line "$(cat "$tmp/e")"
refused compare_alpha_out_of_range --a "$tmp/a.txt" --b "$tmp/b.txt" --alpha 2 --ab-json "$tmp/out.json"
echo "other 1" >"$tmp/other.txt"
refused compare_no_shared_metric --a "$tmp/a.txt" --b "$tmp/other.txt" --ab-json "$tmp/out.json"

"$RS" compare --a "$tmp/a.txt" --b "$tmp/b.txt" --aa "$tmp/a2.txt" --ab-json "$tmp/ab.json" >"$tmp/table.txt" 2>"$tmp/e"
check compare_valid_exit0 "$(cat "$tmp/e")" [ $? -eq 0 ]
check compare_table_three_rows "$(cat "$tmp/table.txt")" [ "$(grep -cE '\| (pps \*|kmalloc_per_pkt \*|start_xmit.p50_ns)$' "$tmp/table.txt")" = 3 ]
check compare_json_fields "$(head -c 300 "$tmp/ab.json")" qjq '.metrics | length == 3 and all(.[]; (.,.aa) |
	has("a_median") and has("b_median") and has("ratio") and has("ci_low") and has("ci_high") and has("p_value") and
	has("p_adjusted") and has("verdict") and has("better") and has("n_a") and has("n_b") and has("a_values") and has("b_values"))' "$tmp/ab.json"
check compare_pps_higher_better "$(jq -c '.metrics.pps | {verdict, better, ratio, p_value}' "$tmp/ab.json")" \
	qjq '.metrics.pps | .verdict == "higher" and .better == "higher" and .b_median == 1115 and .a_median == 1021 and ((.p_value - 2/252) | fabs) < 1e-6' "$tmp/ab.json"
check compare_kmalloc_lower "$(jq -c '.metrics.kmalloc_per_pkt | {verdict, ratio}' "$tmp/ab.json")" \
	qjq '.metrics.kmalloc_per_pkt | .verdict == "lower" and .ratio == 0 and .aa.verdict == "no significant change" and .aa.ratio == 1' "$tmp/ab.json"
"$RS" compare --a "$tmp/a.txt" --b "$tmp/b.txt" --aa "$tmp/a2.txt" --ab-json "$tmp/ab2.json" >"$tmp/table2.txt"
check compare_reproducible "differs" cmp -s "$tmp/ab.json" "$tmp/ab2.json"
"$RS" compare --a "$tmp/a.txt" --b "$tmp/a2.txt" --ci 0.99 --ab-json "$tmp/ab99.json" >/dev/null
"$RS" compare --a "$tmp/a.txt" --b "$tmp/a2.txt" --ci 0.90 --ab-json "$tmp/ab90.json" >/dev/null
w99=$(jq '.metrics.pps | .ci_high - .ci_low' "$tmp/ab99.json")
w90=$(jq '.metrics.pps | .ci_high - .ci_low' "$tmp/ab90.json")
check compare_ci99_wider_than_ci90 "99 %: $w99, 90 %: $w90" awk -v a="$w99" -v b="$w90" 'BEGIN { exit !(a > b) }'
# Output that cannot be written (a full disk) is an error, not exit 0 with a
# cut table or NDJSON stream (before: exit 0, nothing said).
"$RS" compare --a "$tmp/a.txt" --b "$tmp/b.txt" >/dev/full 2>"$tmp/full.err"
rc=$?
check compare_full_stdout_fails "rc $rc: $(cat "$tmp/full.err")" \
	eval '[ $rc -eq 1 ] && [ "$(grep -c "error: could not write all of the output to standard output: No space left on device" "$tmp/full.err")" -eq 1 ]'
finish
