#!/usr/bin/env bash
# timeout: 90
# trace --sort COLUMN: the function table and the call-site table ordered by
# the column picked, largest first; by default functions stay in the order
# given and call sites busiest first. An unknown column, or a column of a
# table the run does not show, is one line and a non-zero exit before
# anything is loaded.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_trace_sort: must run as root"; exit 1; }
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"

# funcs FILE: the FUNCTION column of the final summary's function table.
funcs() { sed -n '/--- trace summary/,$p' "$1" | awk '/^FUNCTION /{on=1; next} on && NF == 0 {exit} on && /^[a-z_]/ {print $1}' | tr '\n' ' '; }
# calls FILE: its CALLS column.
calls() { sed -n '/--- trace summary/,$p' "$1" | awk '/^FUNCTION /{on=1; next} on && NF == 0 {exit} on && /^[a-z_]/ {print $2}' | tr '\n' ' '; }
# site_col FILE N: field N of the call-site rows after the 44-character site
# name (1 kind, 2 allocs, 3 frees, 5 bytes, 6 failed, 7 outstanding).
site_col() { sed -n '/--- trace summary/,$p' "$1" | awk -v n="$2" '/^CALL SITE /{on=1; next} on && /^  \(/ {exit} on { split(substr($0, 46), f, " "); print f[n] }' | tr '\n' ' '; }
# descending "LIST": the numbers do not increase, and there are at least 2.
descending() { awk -v l="$1" 'BEGIN { n = split(l, v, " "); if (n < 2) exit 1; for (i = 2; i <= n; i++) if (v[i] + 0 > v[i - 1] + 0) exit 1 }'; }

# --- the function table: cpuhp_enter (CPU hotplug) never fires here, sys_enter always ---
"$RS" trace -t cpuhp_enter,sys_enter -d 1.2 -I 0.6 --no-pin >"$tmp/default.out" 2>"$tmp/default.err"
expect trace_sort_default_keeps_given_order "$(funcs "$tmp/default.out")" "cpuhp_enter sys_enter " "$(tail -2 "$tmp/default.err")"
"$RS" trace -t cpuhp_enter,sys_enter -d 1.2 -I 0.6 --no-pin --sort calls >"$tmp/calls.out" 2>"$tmp/calls.err"
expect trace_sort_calls_reorders "$(funcs "$tmp/calls.out")" "sys_enter cpuhp_enter " "$(tail -2 "$tmp/calls.err")"
check trace_sort_calls_descending "calls: $(calls "$tmp/calls.out")" descending "$(calls "$tmp/calls.out")"

# --- the call-site table: every site, sorted by each count column ---
for col in allocs:2 frees:3 bytes:5 outstanding:7; do
	name=${col%:*} n=${col#*:}
	"$RS" trace --kmalloc --slab -d 1.2 -I 0.6 --top 10000 --no-pin --sort "$name" >"$tmp/$name.out" 2>"$tmp/$name.err"
	vals=$(site_col "$tmp/$name.out" "$n")
	check "trace_sort_${name}_descending" "$name: $(head -c 300 <<<"$vals") $(tail -2 "$tmp/$name.err")" descending "$vals"
done
# --- bad input: one line, non-zero exit, nothing printed or loaded ---
mark_progs
bad() {
	local name=$1 re=$2 rc
	shift 2
	timeout 20 "$RS" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [[ $rc -ne 0 && $rc -ne 124 && $(wc -l <"$tmp/bad.err") -eq 1 && ! -s $tmp/bad.out ]] && grep -Eq -- "$re" "$tmp/bad.err"; then
		pass "$name"
	else
		fail "$name" "rc $rc, stderr: $(cat "$tmp/bad.err")"
	fi
}
bad trace_sort_unknown_column "--sort: 'latency' is not one of: calls,avg,p50,p90,p99,allocs,frees,bytes,failed,outstanding" \
	trace --kmalloc -d 1 --no-pin --sort latency
bad trace_sort_site_column_needs_kmalloc 'sort allocs is a column of the call-site table: add --kmalloc' \
	trace -t sys_enter -d 1 --no-pin --sort allocs
bad trace_sort_function_column_needs_functions 'sort calls is a column of the function table: add -f, -p or -t' \
	trace --kmalloc -d 1 --no-pin --sort calls
bad run_sort_unknown_column "--sort: 'x' is not one of" run -n 10 --no-pin --sort x
check trace_sort_bad_nothing_loaded "left: $(our_progs)" [ -z "$(our_progs)" ]
finish
