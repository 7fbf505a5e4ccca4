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

# a stop signal ends the wait for a PID that lives on: the last sample, exit
# 128 + signal (before, the signals stayed blocked and it waited for PID)
sleep 60 &
spid=$!
on_exit "kill $spid"
"$RS" bpf-stats --until-exit "$spid" >"$tmp/int.json" 2>"$tmp/int.err" &
bpid=$!
on_exit "kill -KILL $bpid"
sleep 0.5
kill -INT "$bpid"
for ((i = 0; i < 50; i++)); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$bpid" 2>/dev/null && kill -KILL "$bpid"
wait "$bpid"
rc=$?
check bpf_stats_until_exit_stops_on_sigint "rc $rc (want 130 within 5 s), stderr: $(cat "$tmp/int.err")" [ $rc -eq 130 ]
check bpf_stats_until_exit_sigint_prints_json "$(head -c 200 "$tmp/int.json")" \
	qjq -s 'length == 1 and .[0].type == "bpf_stats" and (.[0].programs | length == 0)' "$tmp/int.json"
kill "$spid" 2>/dev/null

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
