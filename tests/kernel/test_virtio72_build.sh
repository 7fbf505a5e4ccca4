#!/usr/bin/env bash
# test_virtio72_build.sh - does the 7.2 indirect-table-cache series
# (kernel-patches/7.2/*.patch) compile with W=1, with no warning the stock
# source does not have, in the lab's configuration?
#
# Usage: tests/kernel/test_virtio72_build.sh
#
# Compiles only the objects the series touches (drivers/virtio/virtio_ring.o),
# not a kernel: Debian's linux-source-7.2 (tests/vm/debian-kernel.sh, cached)
# is unpacked once into $RINGSCOPE_CACHE/kernel/7.2/check/src and configured
# like the lab's kernels (tinyconfig + kernel-patches/config/x86_64-6.12.config)
# with `make prepare` once; both are cached by the source version and the
# fragment (first run ~5-10 min on a loaded 2-core machine, then ~1 min).
# Each run compiles every touched object stock and patched with W=1: the
# series is applied to the cached tree and the touched files are put back
# afterwards (a run killed in between is repaired by the next one: the
# pristine copies are kept beside the tree). Runs under a lock.
#
# Prints PASS:/FAIL: lines; exit status 0 when all pass.
# timeout: 1500
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
WORK=$CACHE/kernel/7.2/check
FRAGMENT=$REPO/kernel-patches/config/x86_64-6.12.config
PATCH_DIR=$REPO/kernel-patches/7.2
fail() { echo "FAIL: virtio72_build: $*"; exit 1; }

patches=()
for p in "$PATCH_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	[[ -f $p ]] || continue
	# git format-patch --cover-letter's 0000 is mail, not a patch
	[[ $(basename "$p") == 0000-cover-letter.patch ]] || patches+=("$p")
done
[[ ${#patches[@]} -gt 0 ]] || fail "no patches in $PATCH_DIR"
for tool in gcc make bison flex bc perl flock xz; do
	command -v "$tool" >/dev/null || fail "$tool is missing: run 'make deps'"
done
mapfile -t files < <(sed -n 's|^--- a/||p' "${patches[@]}" | sort -u)
objs=()
for f in "${files[@]}"; do [[ $f == *.c ]] && objs+=("${f%.c}.o"); done
[[ ${#objs[@]} -gt 0 ]] || fail "the series touches no .c file"

dir=$("$HERE/../vm/debian-kernel.sh" 7.2 source "$CACHE/kernel/7.2" 2>&1 | tail -n 1)
[[ -f $dir/linux-source-7.2.tar.xz ]] || fail "cannot fetch Debian's linux-source-7.2: $dir"
version=$(cat "$dir/version")
key="$version $(sha256sum <"$FRAGMENT" | cut -c1-16)"

mkdir -p "$WORK"
exec 9>"$WORK/.lock"
flock 9

# ---- the cached, prepared tree ----------------------------------------------
if [[ $(cat "$WORK/stamp" 2>/dev/null) != "$key" ]]; then
	echo "unpacking linux-source-7.2 $version and running make prepare in $WORK (once)"
	rm -rf "$WORK/src" "$WORK/build" "$WORK/pristine" "$WORK/stamp"
	mkdir -p "$WORK/src" "$WORK/build"
	timeout 900 tar -xJf "$dir/linux-source-7.2.tar.xz" -C "$WORK/src" --strip-components=1 ||
		fail "cannot unpack $dir/linux-source-7.2.tar.xz"
	{
		make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 tinyconfig &&
			(cd "$WORK/src" && scripts/kconfig/merge_config.sh -m -O "$WORK/build" "$WORK/build/.config" "$FRAGMENT") &&
			make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 olddefconfig &&
			timeout 1200 make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 -j"$(nproc)" prepare
	} >"$WORK/prepare.log" 2>&1 || fail "make prepare failed: $(tail -n 3 "$WORK/prepare.log" | tr '\n' ' ')"
	echo "$key" >"$WORK/stamp"
fi

# Pristine copies of the touched files, taken while the tree is known clean;
# put back before anything else (repairs a run killed while patched).
mkdir -p "$WORK/pristine"
for f in "${files[@]}"; do
	if [[ -f $WORK/pristine/$f ]]; then
		cmp -s "$WORK/pristine/$f" "$WORK/src/$f" || cp "$WORK/pristine/$f" "$WORK/src/$f"
	else
		mkdir -p "$(dirname "$WORK/pristine/$f")" && cp "$WORK/src/$f" "$WORK/pristine/$f"
	fi
done
restore() { for f in "${files[@]}"; do cp "$WORK/pristine/$f" "$WORK/src/$f"; done; }
trap restore EXIT

# compile TAG: every touched object with W=1; the warnings in $WORK/w1-TAG.log
compile() {
	local o log=$WORK/w1-$1.log
	: >"$log"
	for o in "${objs[@]}"; do
		rm -f "$WORK/build/$o"
		timeout 600 make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 W=1 "$o" >>"$log" 2>&1 || return 1
		[[ -f $WORK/build/$o ]] || return 1
	done
}
compile stock || fail "stock ${objs[*]} does not compile: $(grep -m1 -E 'error' "$WORK/w1-stock.log")"
(cd "$WORK/src" && patch -p1 -s --no-backup-if-mismatch <(cat "${patches[@]}")) >"$WORK/patch.log" 2>&1 ||
	fail "the series does not apply to the prepared tree: $(head -n 1 "$WORK/patch.log")"
compile patched || fail "patched ${objs[*]} does not compile: $(grep -m1 -E 'error' "$WORK/w1-patched.log")"
restore
ws=$(grep -c 'warning:' "$WORK/w1-stock.log")
wp=$(grep -c 'warning:' "$WORK/w1-patched.log")
if [[ $wp -le $ws ]] && ! diff <(grep 'warning:' "$WORK/w1-stock.log" | sed 's/:[0-9]*:[0-9]*:/:/') \
	<(grep 'warning:' "$WORK/w1-patched.log" | sed 's/:[0-9]*:[0-9]*:/:/') | grep -q '^>'; then
	echo "PASS: virtio72_build: ${objs[*]} compiles with W=1 after ${#patches[@]} patches, no new warning ($wp warnings, stock $ws)"
else
	echo "FAIL: virtio72_build: W=1 warnings the series adds: $(grep -m1 'warning:' "$WORK/w1-patched.log")"
	exit 1
fi
