#!/bin/sh
# rs-ready WHAT FILE PATTERN PID: wait until the background ringscope PID has
# printed PATTERN to FILE (trace: "trace: tier ", printed once every link is
# attached; gen: "rx on IFACE" / "tx on IFACE", once its socket is bound).
# The one readiness wait of the VM lab: vm-run.sh installs this file as
# /bin/rs-ready in the base initramfs, and guest-init.sh and every guest
# script that starts a workload after a background ringscope call it as
#   rs-ready trace /tmp/t.err 'trace: tier ' $tp || exit 1
# and start the workload only when it returns 0. A workload started before the
# observer is attached counts nothing (or part of it) and looks like data.
#
# Console lines (vm-run.sh parses them; <runid> from /etc/ringscope-vm.env):
#   @@RSVM:WAIT:<runid>@@ WHAT                      the wait began
#   @@RSVM:READY:<runid>@@ WHAT N.N s               ready after N.N s (guest clock)
#   @@RSVM:NOTREADY:<runid>@@ WHAT <why>: <line>    exited, or not ready within
#                                                   READY_TIMEOUT s (default 600);
#                                                   <line> = FILE's last line
# Ready means PATTERN is in FILE *and* PID holds FILE open: FILE is truncated
# by PID's own redirection (`2>FILE &`), which may not have happened yet when
# the caller's first look comes, and until then FILE still holds the previous
# run's lines, PATTERN included. A dead PID is never ready.
# Exit 0 when ready, 1 when not (vm-run.sh then fails the run naming the cause),
# 2 on bad arguments. Guest seconds come from /proc/uptime.
if [ $# != 4 ] || [ -z "$1" ] || [ -z "$3" ] || ! [ "$4" -gt 0 ] 2>/dev/null; then
	echo "rs-ready: usage: rs-ready WHAT FILE PATTERN PID (PID of the background ringscope)" >&2
	exit 2
fi
what=$1 file=$2 pattern=$3 pid=$4
# RUNID and READY_TIMEOUT: the environment (host tests), else the guest's parameters.
[ -n "${RUNID:-}" ] || { [ -f /etc/ringscope-vm.env ] && . /etc/ringscope-vm.env; }
bound_s=${READY_TIMEOUT:-600}
case "$bound_s" in '' | *[!0-9]*) bound_s=600 ;; esac

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
# holds_file: one of PID's descriptors is FILE (same device and inode)
holds_file() {
	f=$(stat -L -c %d:%i "$file" 2>/dev/null) || return 1
	for fd in /proc/"$pid"/fd/*; do
		[ "$(stat -L -c %d:%i "$fd" 2>/dev/null)" = "$f" ] && return 0
	done
	return 1
}
ready() { holds_file && grep -q -- "$pattern" "$file" 2>/dev/null; }
# alive: PID exists and is not a zombie (an exited child its shell has not reaped yet)
alive() { kill -0 "$pid" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ]; }

t0=$(uptime_s)
echo "@@RSVM:WAIT:${RUNID:-norunid}@@ $what"
why=
while [ -z "$why" ]; do
	if ! alive; then
		why="exited after $(since "$t0") s"
	elif ready; then
		echo "@@RSVM:READY:${RUNID:-norunid}@@ $what $(since "$t0") s"
		exit 0
	elif awk -v e="$(since "$t0")" -v b="$bound_s" 'BEGIN { exit !(e >= b) }'; then
		why="not ready after $(since "$t0") s (READY_TIMEOUT=$bound_s)"
	else
		sleep 0.2
	fi
done
last=$(grep -v '^[[:space:]]*$' "$file" 2>/dev/null | tail -n 1 | cut -c1-300)
echo "@@RSVM:NOTREADY:${RUNID:-norunid}@@ $what $why: ${last:-(no output in $file)}"
exit 1
