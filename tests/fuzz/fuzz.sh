#!/usr/bin/env bash
# make fuzz: both libFuzzer harnesses, open-ended and side by side, until
# Ctrl-C. New interesting inputs go to a working copy of the corpus
# ($BUILD/fuzz/work-NAME); a crash or sanitizer report is written into the
# committed corpus (tests/fuzz/corpus/NAME/crash-*), where `make test` replays
# it from then on: fix the bug, keep the file.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for name in pkt seqtrack; do
	work=$BUILD/fuzz/work-$name
	mkdir -p "$work"
	cp -n tests/fuzz/corpus/$name/* "$work"/ 2>/dev/null
	"$BUILD/fuzz/fuzz_$name" -max_len=512 -artifact_prefix="tests/fuzz/corpus/$name/" \
		-print_final_stats=1 "$work" tests/fuzz/corpus/$name >"$BUILD/fuzz/$name.log" 2>&1 &
	pids+=($!)
	echo "fuzz_$name: pid $!, log $BUILD/fuzz/$name.log"
done
wait
