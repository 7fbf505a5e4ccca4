#!/usr/bin/env bash
# Build a commit of the user's own kernel tree with the lab's config, cached by
# commit hash; prints the bzImage path on stdout (progress on stderr).
#
#   tests/vm/build-tree-kernel.sh ~/linux v7.2
#
# The tree is never modified: the commit is exported with `git archive` into
# $RINGSCOPE_CACHE/kernel/tree/<hash>/src, configured as the lab's own builds
# (tinyconfig + kernel-patches/config/x86_64-6.12.config via merge_config.sh,
# olddefconfig) and built out of tree. Concurrent callers for one hash wait on
# a lock instead of building twice. A full build takes ~5 min on 2 cores.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FRAGMENT=$REPO/kernel-patches/config/x86_64-6.12.config
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
die() { echo "build-tree-kernel: ERROR: $*" >&2; exit 1; }
say() { echo "build-tree-kernel: $*" >&2; }

[ $# = 2 ] || die "usage: build-tree-kernel.sh TREE REV (e.g. ~/linux v7.2)"
TREE=$1 REV=$2
git -C "$TREE" rev-parse --git-dir >/dev/null 2>&1 || die "$TREE is not a git repository: give the path of your kernel tree"
HASH=$(git -C "$TREE" rev-parse --verify -q "$REV^{commit}") || die "$TREE has no commit '$REV' (git -C $TREE log $REV)"
git -C "$TREE" cat-file -e "$HASH:Makefile" 2>/dev/null && git -C "$TREE" cat-file -e "$HASH:scripts/kconfig/merge_config.sh" 2>/dev/null ||
	die "$TREE@$REV is not a Linux kernel tree (no Makefile or scripts/kconfig/merge_config.sh)"
for tool in gcc make bison flex bc pahole tar flock; do
	command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps' (or apt-get install it)"
done
WORK=$CACHE/kernel/tree/$HASH
mkdir -p "$WORK"
exec 9>"$WORK/.lock"
flock -n 9 || { say "another build of $HASH runs; waiting for it"; flock 9; }
if [ -f "$WORK/bzImage" ] && [ "$(cat "$WORK/fragment.sum" 2>/dev/null)" = "$(sha256sum <"$FRAGMENT")" ]; then
	echo "$WORK/bzImage"
	exit 0
fi
say "building $TREE@$REV ($HASH) into $WORK (log: $WORK/build.log)"
rm -rf "$WORK/src" "$WORK/build" "$WORK/bzImage"
mkdir -p "$WORK/src" "$WORK/build"
git -C "$TREE" archive "$HASH" | tar -x -C "$WORK/src" || die "git archive of $HASH failed"
{
	make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 tinyconfig &&
		(cd "$WORK/src" && scripts/kconfig/merge_config.sh -m -O "$WORK/build" "$WORK/build/.config" "$FRAGMENT") &&
		make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 olddefconfig &&
		make -C "$WORK/src" O="$WORK/build" ARCH=x86_64 -j"$(nproc)" bzImage
} >"$WORK/build.log" 2>&1 || die "kernel build failed: $(tail -3 "$WORK/build.log" | tr '\n' ' ') (full log: $WORK/build.log)"
cp "$WORK/build/arch/x86/boot/bzImage" "$WORK/bzImage.tmp" && mv "$WORK/bzImage.tmp" "$WORK/bzImage"
cp "$WORK/build/.config" "$WORK/config"
sha256sum <"$FRAGMENT" >"$WORK/fragment.sum"
rm -rf "$WORK/src" "$WORK/build"	# ~2 GB; the image and its config stay
echo "$WORK/bzImage"
