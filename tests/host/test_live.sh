#!/usr/bin/env bash
# timeout: 120
# The live view: on a terminal (a pty from script(1)), trace and gen redraw
# each interval in place — every interval is one frame, drawn after moving
# back over exactly the previous frame's lines and clearing below — cut to the
# window's height; --scroll, a pipe and --json stay line-oriented (no escape
# sequence at all), and the final summary is printed once, after the frames.
set -u
. "$(dirname "$0")/../lib/common.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_live: must run as root"; exit 1; }
command -v script >/dev/null || { echo "FAIL: test_live: no script(1) (util-linux)"; exit 1; }
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
ESC=$'\033'

# on_tty ROWS OUT ARGS...: ringscope ARGS on a pty of ROWS x ${COLS:-160}.
on_tty() {
	local rows=$1 out=$2
	shift 2
	timeout 60 script -qfec "stty rows $rows cols ${COLS:-160}; $RS $*" /dev/null >"$out" 2>&1
}

# check_frames NAME FILE MAXROWS [COLS]: the output is frames, each starting
# with a clear-below; every frame after the first is drawn after moving up
# exactly the terminal rows the previous one drew (counted here from the text:
# a line longer than COLS, default 160, wraps onto more rows); none is taller
# than MAXROWS.
check_frames() {
	local name=$1 f=$2 max=$3 cols=${4:-160} verdict
	verdict=$(perl -0777 -ne '
		s/\r//g;
		my @p = split /\e\[J/, $_, -1;
		my $n = @p - 1;
		if ($n < 2) { print "bad only $n frames"; exit }
		for my $i (1 .. $n - 1) {
			unless ($p[$i] =~ s/\e\[(\d+)A\z//) { print "bad frame $i: no move-up after it"; exit }
			my $up = $1;
			my $rows = 0;
			$rows += length($_) ? int((length($_) + '"$cols"' - 1) / '"$cols"') : 1 for ($p[$i] =~ /([^\n]*)\n/g);
			if ($up != $rows) { print "bad frame $i drew $rows rows, the next moved up $up"; exit }
			if ($rows > '"$max"') { print "bad frame $i has $rows rows > '"$max"'"; exit }
		}
		print "ok $n frames";
	' "$f")
	if [[ $verdict == ok* ]]; then pass "$name"; else fail "$name" "${verdict#* }"; fi
}

# --- trace on a terminal: frames in place ---
on_tty 40 "$tmp/trace.tty" trace --kmalloc -d 2.3 -I 0.5 --no-pin --top 5
check_frames live_trace_redraws_in_place "$tmp/trace.tty" 39
n_hdr=$(tr -d '\r' <"$tmp/trace.tty" | grep -acE "^(${ESC}\[[0-9]+A)?(${ESC}\[J)?[0-9]+\.[0-9]{2}s$|^[0-9]+\.[0-9]{2}s$")
n_clr=$(grep -ao "${ESC}\[J" "$tmp/trace.tty" | wc -l)
check live_trace_one_frame_per_interval "clears $n_clr, interval headers $n_hdr" [ "$n_clr" -ge 2 -a "$n_clr" -eq "$n_hdr" ]
check live_trace_summary_once "$(grep -ac -- '--- trace summary' "$tmp/trace.tty") summaries" \
	[ "$(grep -ac -- '--- trace summary' "$tmp/trace.tty")" -eq 1 ]

# --- a small window: frames cut to it, with a note ---
on_tty 8 "$tmp/small.tty" trace --kmalloc -d 1.3 -I 0.5 --no-pin
ups=$(grep -ao "${ESC}\[[0-9]*A" "$tmp/small.tty" | tr -dc '0-9\n' | sort -n | tail -1)
check live_small_window_cut "largest move-up ${ups:-none} (window 8: at most 7 lines)" [ -n "$ups" ] && [ "${ups:-99}" -le 7 ]
check live_small_window_note "no '(N more lines' note" grep -aq 'more lines: a taller window, or --scroll' "$tmp/small.tty"

# --- line-oriented: --scroll on a terminal, a pipe, --json on a terminal ---
on_tty 40 "$tmp/scroll.tty" trace --kmalloc -d 1.3 -I 0.5 --no-pin --scroll
check live_scroll_no_escapes "$(grep -ac "$ESC" "$tmp/scroll.tty") lines with escapes" bash -c "! grep -aq '$ESC' '$tmp/scroll.tty'"
check live_scroll_appends "$(grep -acE '^[0-9]+\.[0-9]{2}s' "$tmp/scroll.tty") interval headers" \
	[ "$(tr -d '\r' <"$tmp/scroll.tty" | grep -acE '^[0-9]+\.[0-9]{2}s$')" -ge 2 ]
"$RS" trace --kmalloc -d 1.3 -I 0.5 --no-pin >"$tmp/pipe.out" 2>"$tmp/pipe.err"
check live_pipe_no_escapes "escapes in piped output" bash -c "! grep -aq '$ESC' '$tmp/pipe.out'"
on_tty 40 "$tmp/json.tty" trace --kmalloc -d 1.3 -I 0.5 --no-pin --json
bad=$(tr -d '\r' <"$tmp/json.tty" | grep -a '^{' | jq -c . 2>&1 >/dev/null | head -1)
check live_json_line_oriented "escapes or bad JSON: $bad" \
	bash -c "! grep -aq '$ESC' '$tmp/json.tty' && [ -z '$bad' ] && grep -ac '\"type\":\"interval\"' '$tmp/json.tty' | grep -qv '^[01]$'"

# --- gen on a terminal, in a private namespace pair ---
c=rst-live-wtmetrics-$$
ip netns add "$c-a" && on_exit "ip netns delete $c-a"
ip netns add "$c-b" && on_exit "ip netns delete $c-b"
ip link add a0 netns "$c-a" type veth peer name b0 netns "$c-b"
ip -n "$c-a" link set a0 up && ip -n "$c-b" link set b0 up
on_tty 40 "$tmp/gen.tty" gen tx -i a0 --netns "$c-a" -d 1.8 -I 0.5 -r 10000 --no-pin
check_frames live_gen_redraws_in_place "$tmp/gen.tty" 39
check live_gen_summary "no summary: $(tail -c 300 "$tmp/gen.tty")" grep -aq -- '--- summary' "$tmp/gen.tty"
# A window narrower than the interval line: it wraps, and the frame moves
# back over the rows it took (before, over its lines: each interval left the
# first half of the previous one on the screen).
COLS=50 on_tty 40 "$tmp/narrow.tty" gen tx -i a0 --netns "$c-a" -d 1.8 -I 0.5 -r 10000 --no-pin
w=$(tr -d '\r' <"$tmp/narrow.tty" | grep -a 'kpps' | head -1 | sed 's/\x1b\[[0-9]*[AJ]//g' | awk '{ print length }')
check live_narrow_line_wraps "interval line of ${w:-?} columns" [ "${w:-0}" -gt 50 ]
check_frames live_narrow_redraws_over_wrapped_rows "$tmp/narrow.tty" 39 50
finish
