#!/usr/bin/env bash
# timeout: 60
# ringscope bpf-stats: the observer cost of a traced run. --until-exit PID
# reports exactly the programs PID held (not those of other BPF users of the
# machine), with run counts and run time, and returns once PID has exited.
set -u
. "$(dirname "$0")/../lib/common.sh"
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
qjq() { jq -e "$@" >/dev/null; }

"$RS" trace --kmalloc -d 2 -I 1 --no-pin >"$tmp/trace.out" 2>"$tmp/trace.err" &
tpid=$!
on_exit "kill $tpid"
wait_for "$tmp/trace.err" 'tier' 10 || sleep 1
t0=$(date +%s%N)
timeout 20 "$RS" bpf-stats --until-exit "$tpid" >"$tmp/s.json" 2>"$tmp/s.err"
rc=$?
t1=$(date +%s%N)
wait "$tpid"; trc=$?
check bpf_stats_exit0 "rc $rc: $(cat "$tmp/s.err")" [ $rc -eq 0 ]
check bpf_stats_trace_exit0 "trace rc $trc: $(tail -2 "$tmp/trace.err")" [ $trc -eq 0 ]
check bpf_stats_returns_when_pid_exits "took $(((t1 - t0) / 1000000)) ms for a 2 s trace" [ $(((t1 - t0) / 1000000)) -lt 4000 ]
names=$(jq -r '[.programs[].name] | sort | join(",")' "$tmp/s.json")
check bpf_stats_exactly_the_traced_programs "programs: $names" [ "$names" = "kfree,kmalloc" ]
check bpf_stats_observer_flag "$(jq -c '[.programs[].observer]' "$tmp/s.json")" \
	qjq '[.programs[] | select(.observer)] | length == 2' "$tmp/s.json"
check bpf_stats_counts_runs "$(jq -c '.programs' "$tmp/s.json")" \
	qjq 'all(.programs[]; .run_cnt > 0 and .run_time_ns > 0) and
	       .observer_run_cnt == ([.programs[].run_cnt] | add) and .observer_run_time_ns == ([.programs[].run_time_ns] | add)' "$tmp/s.json"

# a PID that does not exist: one error line naming the fix, non-zero exit
"$RS" bpf-stats --until-exit 4194303 >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
ok=0
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] && [ ! -s "$tmp/bad.out" ] && grep -q 'PID of a running' "$tmp/bad.err" && ok=1
check bpf_stats_bad_pid_rejected "rc $rc, stderr: $(cat "$tmp/bad.err")" [ $ok = 1 ]
"$RS" bpf-stats --until-exit abc >"$tmp/bad2.out" 2>"$tmp/bad2.err"
rc=$?
ok=0
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/bad2.err")" -eq 1 ] && [ ! -s "$tmp/bad2.out" ] && ok=1
check bpf_stats_non_numeric_pid_rejected "rc $rc, stderr: $(cat "$tmp/bad2.err")" [ $ok = 1 ]
finish
