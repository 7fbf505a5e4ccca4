#!/usr/bin/env bash
# timeout: 240
# --metrics scraped by a real Prometheus (Debian's, started here on loopback
# with its own storage): `run` on its private veth pair and a `gen tx`/`gen rx`
# pair inside private namespaces, each serving on 127.0.0.1 in the namespace
# the test runs in. After two scrapes past the end of each bounded run:
# histogram_quantile(0.5) of a kmalloc lifetime and of the TX completion
# latency lies in the bucket that holds ringscope's own p50, the scraped packet
# counters equal -n exactly, every query of the Grafana dashboard returns data.
# A `run --path veth-xsk -n N` beside them: every hop's scraped packet counter
# and histogram count equal N, and equal the hop table of its own --json final.
# promtool checks the --metrics-file output; bad --metrics input is one line,
# a non-zero exit and nothing attached. No server is left running.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_metrics: must run as root"; exit 1; }
for c in prometheus promtool curl jq; do
	command -v $c >/dev/null || { echo "FAIL: test_metrics: no $c: run 'make deps'"; exit 1; }
done
ensure_fs
DASH=$(cd "$(dirname "$0")/../.." && pwd)/contrib/grafana/ringscope.json
N_RUN=40000 N_GEN=30000 N_PATH=10000

# A TCP port nobody listens on here (bound by its user right after).
used_ports=" "
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		[[ $used_ports == *" $p "* ]] && continue
		ss -Htln "sport = :$p" | grep -q . || { used_ports+="$p "; echo "$p"; return; }
	done
}
P_PROM=$(free_port) P_RUN=$(free_port) P_TX=$(free_port) P_RX=$(free_port) P_PATH=$(free_port)
API=http://127.0.0.1:$P_PROM/api/v1

cat >"$tmp/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: run
    static_configs: [{ targets: ['127.0.0.1:$P_RUN'] }]
  - job_name: gen_tx
    static_configs: [{ targets: ['127.0.0.1:$P_TX'] }]
  - job_name: gen_rx
    static_configs: [{ targets: ['127.0.0.1:$P_RX'] }]
  - job_name: path
    static_configs: [{ targets: ['127.0.0.1:$P_PATH'] }]
EOF
prometheus --config.file="$tmp/prom.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$P_PROM" --log.level=warn >"$tmp/prom.log" 2>&1 &
prom_pid=$!
on_exit "kill $prom_pid; wait $prom_pid"
for ((i = 0; i < 300; i++)); do curl -sf "http://127.0.0.1:$P_PROM/-/ready" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$P_PROM/-/ready" >/dev/null || { fail prometheus_ready "$(tail -3 "$tmp/prom.log")"; finish; }

# q PROMQL: the JSON answer of an instant query now.
q() { curl -s --get --data-urlencode "query=$1" "$API/query"; }
# qv PROMQL: the value of its first sample ("" when there is none).
qv() { q "$1" | jq -r '.data.result[0].value[1] // ""'; }
# scrapes JOB: how many scrapes of JOB Prometheus has stored so far.
scrapes() { qv "count_over_time(up{job=\"$1\"}[10m])"; }
# wait_scrapes JOB N: until N more scrapes of JOB than now (at most 30 s).
wait_scrapes() {
	local n0 n
	n0=$(scrapes "$1")
	for ((i = 0; i < 300; i++)); do
		n=$(scrapes "$1")
		((${n:-0} >= ${n0:-0} + $2)) && return 0
		sleep 0.1
	done
	return 1
}

# --- the runs: run on its own veth pair; gen rx/tx in namespaces of ours ---
c=rst-wtmetrics-$$
veth_pair "$c"
mark_progs
rs_bg run 120 run -n $N_RUN -r 20000 -I 0.5 --no-pin --json \
	--metrics 127.0.0.1:$P_RUN --metrics-file "$tmp/run.prom" --metrics-linger 90
rs_bg path 120 run --path veth-xsk -n $N_PATH -r 20000 -I 0.5 --no-pin --json \
	--metrics 127.0.0.1:$P_PATH --metrics-linger 90
wrap=$RT rs_bg rx 120 gen rx -i b0 --netns "$c-b" -n $N_GEN -d 60 --no-pin --json \
	--metrics 127.0.0.1:$P_RX --metrics-linger 90
rs_ready rx 'rx on ' || fail gen_rx_ready "$(tail -2 "$tmp/rx.err")"
rs_bg tx 120 gen tx -i a0 --netns "$c-a" -n $N_GEN -r 20000 --no-pin --json \
	--metrics 127.0.0.1:$P_TX --metrics-linger 90

for who in run tx rx path; do
	wait_for "$tmp/$who.out" '"type":"final"' 90 || fail "metrics_${who}_final" "no final line: $(tail -2 "$tmp/$who.err")"
done
for job in run gen_tx gen_rx path; do
	check "metrics_${job}_two_scrapes_after_the_end" "Prometheus did not scrape $job twice more in 30 s" wait_scrapes $job 2
	expect "metrics_${job}_up" "$(qv "up{job=\"$job\"}")" 1 "$(q "up{job=\"$job\"}" | head -c 300)"
done

# --- exact counts, as scraped ---
expect metrics_gen_tx_completed_exact "$(qv 'ringscope_gen_tx_completed_packets_total{job="gen_tx",interface="a0"}')" $N_GEN
expect metrics_gen_rx_unique_exact "$(qv 'ringscope_gen_rx_unique_packets_total{job="gen_rx",interface="b0"}')" $N_GEN
expect metrics_run_tx_completed_exact "$(qv 'ringscope_gen_tx_completed_packets_total{job="run"}')" $N_RUN
expect metrics_run_rx_unique_exact "$(qv 'ringscope_gen_rx_unique_packets_total{job="run"}')" $N_RUN
expect metrics_run_build_info "$(qv 'ringscope_build_info{job="run",command="run"}')" 1

# --path: per hop, the scraped packet counter and histogram count are N, and
# the counter is the count of the hop table in run's own --json final.
hop_vals() { q "$1" | jq -r '[.data.result[] | "\(.metric.hop)=\(.value[1])"] | sort | join(" ")'; }
want_hops=$(final_of path | jq -r --argjson n $N_PATH '[.path.hops[].hop | "\(.)=\($n)"] | sort | join(" ")')
want_lat=$(final_of path | jq -r --argjson n $N_PATH '[(.path.hops[] | select(.from != null) | .hop), "end_to_end" | "\(.)=\($n)"] | sort | join(" ")')
json_hops=$(final_of path | jq -r '[.path.hops[] | "\(.hop)=\(.count)"] | sort | join(" ")')
expect metrics_path_nine_hops "$(wc -w <<<"$want_hops")" 9 "$want_hops"
expect metrics_path_hop_packets_exact "$(hop_vals 'ringscope_path_hop_packets_total{job="path",path="veth-xsk"}')" "$want_hops"
expect metrics_path_hop_packets_are_the_json_table "$(hop_vals 'ringscope_path_hop_packets_total{job="path",path="veth-xsk"}')" "$json_hops"
expect metrics_path_hop_latency_counts_exact "$(hop_vals 'ringscope_path_hop_latency_seconds_count{job="path",path="veth-xsk"}')" "$want_lat"
expect metrics_path_completed_exact "$(qv 'ringscope_path_completed_packets_total{job="path",path="veth-xsk"}')" $N_PATH
expect metrics_path_none_left "$(qv 'sum(ringscope_path_left_packets_total{job="path"})')" 0
expect metrics_path_left_series "$(q 'ringscope_path_left_packets_total{job="path"}' | jq '.data.result | length')" 18
# The bookkeeping series are the JSON's own fields (not_queued: virtio-tx only, 0 here).
kind_vals() { q 'ringscope_path_bookkeeping_events_total{job="path",path="veth-xsk"}' |
	jq -r '[.data.result[] | select(.metric.kind != "not_queued") | "\(.metric.kind)=\(.value[1])"] | sort | join(" ")'; }
json_kinds=$(final_of path | jq -r '.path | [to_entries[] | select(.key | IN("order_errors", "late", "not_ours",
	"ringbuf_full", "live_full", "recycled", "stale_alloc", "no_redirect", "probe_missed")) | "\(.key)=\(.value)"] | sort | join(" ")')
expect metrics_path_bookkeeping_is_the_json "$(kind_vals)" "$json_kinds"
expect metrics_path_bookkeeping_nine_kinds "$(wc -w <<<"$json_kinds")" 9 "$json_kinds"

# in_bucket NAME SELECTOR RS_P50_NS: histogram_quantile(0.5) of the scraped
# buckets lies in the bucket (between two scraped le bounds) that holds
# ringscope's own p50.
in_bucket() {
	local name=$1 sel=$2 rs_ns=$3 prom les
	prom=$(qv "histogram_quantile(0.5, $sel)")
	les=$(q "$sel" | jq -r '.data.result[].metric.le' | grep -v Inf | sort -g | tr '\n' ' ')
	if [[ -z $prom || -z $les || -z $rs_ns ]]; then
		fail "$name" "no data: prometheus p50 '$prom', ringscope p50 '$rs_ns', bounds '$les'"
		return
	fi
	local verdict
	verdict=$(awk -v p="$prom" -v r="$rs_ns" -v les="$les" 'BEGIN {
		n = split(les, le, " "); lo = 0; r /= 1e9
		for (i = 1; i <= n; i++) { if (le[i] + 0 >= r) break; lo = le[i] }
		hi = i <= n ? le[i] : "+Inf"
		ok = p + 1e-12 >= lo && (hi == "+Inf" || p <= hi + 1e-12)
		printf "%s prometheus p50 %.9g s, ringscope %.9g s, bucket (%s, %s]", ok ? "ok" : "bad", p, r, lo, hi
	}')
	echo "$name: ${verdict#* }"
	if [[ $verdict == ok* ]]; then pass "$name"; else fail "$name" "${verdict#* }"; fi
}
final=$(final_of run)
site=$(jq -r '[.kmalloc_sites[] | select(.lifetime_samples >= 100 and .lifetime_ns_exact == false)] | max_by(.lifetime_samples) | .site // ""' <<<"$final")
kind=$(jq -r --arg s "$site" '.kmalloc_sites[] | select(.site == $s) | .kind' <<<"$final" | head -1)
rs_p50=$(jq -r --arg s "$site" '.kmalloc_sites[] | select(.site == $s) | .lifetime_ns_p50' <<<"$final" | head -1)
if [[ -n $site ]]; then
	in_bucket metrics_lifetime_p50_agrees \
		"ringscope_kmem_lifetime_seconds_bucket{job=\"run\",site=\"$site\",kind=\"$kind\"}" "$rs_p50"
else
	fail metrics_lifetime_p50_agrees "no call site with 100+ lifetimes in run's final: $(head -c 300 <<<"$final")"
fi
in_bucket metrics_tx_completion_p50_agrees 'ringscope_gen_tx_completion_latency_seconds_bucket{job="gen_tx"}' \
	"$(final_of tx | jq -r '.compl_lat_ns_p50')"

# --- content negotiation: 0.0.4 by default, OpenMetrics when asked ---
curl -s -D "$tmp/h004" -o "$tmp/b004" "http://127.0.0.1:$P_RUN/metrics"
curl -s -D "$tmp/hom" -o "$tmp/bom" -H 'Accept: application/openmetrics-text;version=1.0.0' "http://127.0.0.1:$P_RUN/metrics"
check metrics_default_is_004 "$(grep -i content-type "$tmp/h004")" grep -qi 'content-type: text/plain; version=0.0.4' "$tmp/h004"
check metrics_openmetrics_on_request "$(grep -i content-type "$tmp/hom"), last line $(tail -1 "$tmp/bom")" \
	bash -c "grep -qi 'content-type: application/openmetrics-text; version=1.0.0' '$tmp/hom' && [ \"\$(tail -1 '$tmp/bom')\" = '# EOF' ]"
check metrics_404_elsewhere "not a 404" bash -c "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$P_RUN/ | grep -qx 404"
# Other methods get a 405 naming what is allowed (they used to get the
# connection closed without an answer).
curl -s -D "$tmp/h405" -o /dev/null -X POST -d x "http://127.0.0.1:$P_RUN/metrics"
check metrics_405_for_post "$(head -1 "$tmp/h405")" bash -c "grep -q ' 405 ' '$tmp/h405' && grep -qi '^allow: GET, HEAD' '$tmp/h405'"

# --- promtool on the --metrics-file output (written atomically each interval) ---
out=$(promtool check metrics <"$tmp/run.prom" 2>&1)
check metrics_file_promtool "$out" [ $? -eq 0 -a -z "$out" ]
check metrics_file_no_temp_left "$(ls "$tmp")" bash -c "! ls '$tmp' | grep -q 'run.prom.tmp'"
check metrics_file_final_count "$(grep '^ringscope_gen_tx_completed_packets_total' "$tmp/run.prom")" \
	grep -qx "ringscope_gen_tx_completed_packets_total{interface=\"[a-z0-9]*\"} $N_RUN" "$tmp/run.prom"

# --- the Grafana dashboard: valid JSON, every query returns data ---
qjq() { jq -e "$@" >/dev/null; }
check metrics_dashboard_json "jq cannot parse $DASH" qjq '.panels | length > 0' "$DASH"
tier=$(q 'ringscope_trace_tier_info{job="run"}' | jq -r '.data.result[0].metric.tier // ""')
n=0
while IFS= read -r expr; do
	n=$((n + 1))
	expr=${expr//\$__rate_interval/30s}
	expr=${expr//\$function/.+}
	expr=${expr//\$site/.+}
	if [[ $expr =~ ^label_values\(([a-z_]+),\ *([a-z_]+)\)$ ]]; then
		ans=$(curl -s --get --data-urlencode "match[]=${BASH_REMATCH[1]}" "$API/label/${BASH_REMATCH[2]}/values")
		count=$(jq -r 'if .status == "success" then (.data | length) else "error" end' <<<"$ans")
	else
		ans=$(q "$expr")
		count=$(jq -r 'if .status == "success" then (.data.result | length) else "error" end' <<<"$ans")
	fi
	if [[ $expr == *ringscope_function_latency* && $tier == tracepoint ]]; then
		# This host's tier times no function (fentry refused, no kprobes):
		# the query must still be valid, and return nothing.
		expect "metrics_dashboard_query_${n}_valid_no_function_timing_here" "$count" 0 "$expr: $(head -c 200 <<<"$ans")"
	elif [[ $count =~ ^[1-9] ]]; then
		pass "metrics_dashboard_query_${n}_returns_data"
	else
		fail "metrics_dashboard_query_${n}_returns_data" "$expr: $count: $(head -c 300 <<<"$ans")"
	fi
done < <(jq -r '(.panels[].targets[].expr), (.templating.list[].query.query)' "$DASH")
check metrics_dashboard_queries_found "$n queries" [ $n -ge 10 ]

# bad NAME REGEX ARGS...: ringscope ARGS fails with one stderr line matching REGEX.
bad() {
	local name=$1 re=$2 rc
	shift 2
	timeout 20 "$RS" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [[ $rc -ne 0 && $rc -ne 124 && $(wc -l <"$tmp/bad.err") -eq 1 ]] && grep -Eq "$re" "$tmp/bad.err"; then
		pass "$name"
	else
		fail "$name" "rc $rc, stderr: $(cat "$tmp/bad.err")"
	fi
}
# A port in use: Prometheus's own, while it runs.
bad metrics_bad_port_in_use 'Address already in use.*pick a free one' trace --kmalloc -d 1 --no-pin --metrics 127.0.0.1:$P_PROM

# --- the end: every server stopped, by its pid; nothing left listening ---
for who in run tx rx path; do
	kill -TERM "$(rs_pid $who)" 2>/dev/null
	rs_wait $who
	expect "metrics_${who}_exit0_after_linger" "$(rc_of $who)" 0 "$(tail -2 "$tmp/$who.err")"
done
kill $prom_pid && wait $prom_pid
left=$(ss -Htln | grep -E ":($P_PROM|$P_RUN|$P_TX|$P_RX|$P_PATH)\b" || true)
check metrics_no_server_left "still listening: $left" [ -z "$left" ]
check metrics_no_programs_left "left: $(our_progs)" [ -z "$(our_progs)" ]

# --- bad input: one line, non-zero exit, nothing attached ---
mark_progs
bad metrics_bad_address 'not an ADDR:PORT' trace --kmalloc -d 1 --no-pin --metrics localhost:9464
bad metrics_bad_port_number 'not an ADDR:PORT' run -d 1 --no-pin --metrics 127.0.0.1:99999
bad metrics_bad_link_local_names_iface 'link-local IPv6 address needs its interface: \[fe80::\.\.\.%IFACE\]:PORT' \
	trace -t kfree -d 1 --no-pin --metrics '[fe80::1]:9464'
bad metrics_bad_no_port 'not an ADDR:PORT' demo -d 1 --metrics 127.0.0.1
bad metrics_bad_file 'cannot write it.*writable directory' trace --kmalloc -d 1 --no-pin --metrics-file /nonexistent-dir/x.prom
# An existing file in a directory that takes no new file (procfs): the error
# names the temporary file it could not create, not only "No such file".
bad metrics_bad_file_dir_readonly 'cannot write it.*/proc/version.tmp.PID in its directory.*writable directory' \
	trace --kmalloc -d 1 --no-pin --metrics-file /proc/version
mkfifo "$tmp/fifo.prom"
bad metrics_bad_file_not_regular 'not a regular file.*regular file or a new one' trace --kmalloc -d 1 --no-pin --metrics-file "$tmp/fifo.prom"
check metrics_bad_file_fifo_kept "$(ls -l "$tmp/fifo.prom")" test -p "$tmp/fifo.prom"
# A run refused after the file was checked (unknown interface, unknown
# function) leaves the previous run's file as it was, and no temporary file.
echo 'previous run' >"$tmp/kept.prom"
bad metrics_bad_iface_file_kept 'nosuch0' gen rx -i nosuch0 -d 1 --no-pin --metrics-file "$tmp/kept.prom"
bad metrics_bad_function_file_kept 'no_such_function_xyz' trace -f no_such_function_xyz -d 1 --no-pin --metrics-file "$tmp/kept.prom"
check metrics_bad_file_kept "$(cat "$tmp/kept.prom"; ls "$tmp" | grep kept)" \
	eval '[ "$(cat "$tmp/kept.prom")" = "previous run" ] && [ "$(ls "$tmp" | grep -c kept)" = 1 ]'
bad metrics_bad_linger_without_endpoint 'metrics-linger.*add --metrics ADDR:PORT' trace -t kfree -d 1 --no-pin --metrics-linger 5
bad metrics_bad_gen_rx 'not an ADDR:PORT' gen rx -i b0 --netns "$c-b" -d 1 --no-pin --metrics '[::1:80'
check metrics_bad_gen_rx_no_xdp "$(ip -n "$c-b" link show b0)" bash -c "! ip -n '$c-b' link show b0 | grep -q xdp"
check metrics_bad_no_programs_left "left: $(our_progs)" [ -z "$(our_progs)" ]
finish
