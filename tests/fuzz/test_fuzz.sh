#!/usr/bin/env bash
# The libFuzzer harnesses in make test: replay the committed corpus (with any
# crasher found by `make fuzz`), then a fixed-seed, fixed-count run from it.
# Deterministic and bounded (~10 s); any crash or sanitizer report fails.
# timeout: 120
set -u
. "$(dirname "$0")/../lib/common.sh"
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[[ -x $BUILD/fuzz/fuzz_pkt && -x $BUILD/fuzz/fuzz_seqtrack ]] ||
	make -s --no-print-directory fuzz-build >/dev/null ||
	{ echo "FAIL: fuzz_build: cannot build the harnesses (clang, libclang-rt-14-dev: bash tests/deps.sh)"; exit 1; }
tmp=$(mktemp -d /tmp/rst-fuzz.XXXXXX)
on_exit "rm -rf $tmp"

for name in pkt seqtrack; do
	bin=$BUILD/fuzz/fuzz_$name corpus=tests/fuzz/corpus/$name
	n=$(ls "$corpus" | wc -l)
	"$bin" -runs=0 -artifact_prefix="$tmp/" "$corpus" >"$tmp/replay-$name.log" 2>&1
	rc=$?
	check "fuzz_${name}_replays_corpus" "rc $rc over $n inputs: $(grep -E 'ERROR|runtime error|SUMMARY' "$tmp/replay-$name.log" | head -3)" \
		[ $rc -eq 0 ]
	# A copy: libFuzzer adds new inputs to its first directory.
	mkdir "$tmp/work-$name" && cp "$corpus"/* "$tmp/work-$name/"
	"$bin" -seed=1 -runs=200000 -max_len=512 -artifact_prefix="$tmp/" "$tmp/work-$name" >"$tmp/run-$name.log" 2>&1
	rc=$?
	check "fuzz_${name}_seed1_200k_runs" "rc $rc: $(grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$tmp/run-$name.log" | head -3)" \
		eval "[ $rc -eq 0 ] && grep -q 'Done 200000 runs' '$tmp/run-$name.log'"
done
finish
