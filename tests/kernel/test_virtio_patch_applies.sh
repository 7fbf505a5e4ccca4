#!/usr/bin/env bash
# test_virtio_patch_applies.sh - do ringscope's virtio indirect-table-cache
# series (kernel-patches/6.12/*.patch, kernel-patches/7.2/*.patch) apply
# cleanly to Debian's linux-source-6.12 and linux-source-7.2?
#
# Usage: tests/kernel/test_virtio_patch_applies.sh [6.12|7.2]   (default: both)
#
# Installs linux-source-6.12 with apt-get if it is missing (needs root); 7.2 is
# not in this Debian release: tests/vm/debian-kernel.sh fetches it from sid with
# a private apt configuration, cached in $RINGSCOPE_CACHE/kernel/7.2/. Takes
# the files the series touches out of the source tarball into a
# scratch git repository and runs `git am --whitespace=error` on the series,
# in order.  `git am` reads nothing but the files a patch touches, so this is
# the same check as applying to the full tree, in a fraction of the time.
# The scratch directory is removed on exit; every step has a time limit.
#
# Also checks that the series adds no module parameter and exports no new
# function (the design has no knob and no setter).
#
# Prints a PASS: line per check, or one "FAIL: ..." line.  Exit status 0 on pass,
# 1 on fail.
#
# Environment: RINGSCOPE_KERNEL_PATCHES overrides the patch directory (with
# one version given).

# timeout: 2400
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -eq 0 ]]; then
	rc=0
	for v in 6.12 7.2; do bash "${BASH_SOURCE[0]}" "$v" || rc=1; done
	exit $rc
fi
KVER=$1
case $KVER in 6.12|7.2) ;; *) echo "FAIL: virtio_patch_applies: version must be 6.12 or 7.2, not '$KVER'"; exit 1 ;; esac
PKG=linux-source-$KVER
TARBALL=/usr/src/$PKG.tar.xz
PATCH_DIR=${RINGSCOPE_KERNEL_PATCHES:-$HERE/../../kernel-patches/$KVER}

scratch=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() { [[ -z $scratch ]] || rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*"; exit 1; }

shopt -s nullglob
patches=()
for p in "$PATCH_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	# git format-patch --cover-letter's 0000 is mail, not a patch
	[[ $(basename "$p") == 0000-cover-letter.patch ]] || patches+=("$p")
done
shopt -u nullglob
[[ ${#patches[@]} -gt 0 ]] || fail "no patches in $PATCH_DIR"
command -v git >/dev/null || fail "git is not installed"

if [[ $KVER == 7.2 ]]; then
	dir=$("$HERE/../vm/debian-kernel.sh" "$KVER" source "${RINGSCOPE_CACHE:-/var/cache/ringscope}/kernel/$KVER" 2>&1 | tail -n 1)
	[[ -f $dir/$PKG.tar.xz ]] || fail "cannot fetch Debian's $PKG: $dir"
	TARBALL=$dir/$PKG.tar.xz
	version=$(cat "$dir/version")
elif ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed' ||
   [[ ! -f $TARBALL ]]; then
	[[ $(id -u) -eq 0 ]] || fail "$PKG is not installed and installing it needs root"
	if ! DEBIAN_FRONTEND=noninteractive timeout 900 \
		apt-get install -y -q --no-install-recommends "$PKG" >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -q >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive timeout 900 \
			apt-get install -y -q --no-install-recommends "$PKG" >/dev/null 2>&1 ||
			fail "apt-get install $PKG failed"
	fi
	[[ -f $TARBALL ]] || fail "$TARBALL missing after installing $PKG"
fi
[[ $KVER == 7.2 ]] || version=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ringscope-patch-test.XXXXXX") ||
	fail "cannot create a scratch directory"

# The pre-image paths of every patch ("--- a/<path>"); new files have none.
mapfile -t files < <(sed -n 's|^--- a/||p' "${patches[@]}" | sort -u)
# checkpatch.pl and the files it reads, from the same tree
files+=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)
[[ ${#files[@]} -gt 0 ]] || fail "the patches touch no existing file (not git format-patch output?)"
top=$(timeout 120 tar -tJf "$TARBALL" 2>/dev/null | head -n 1)
top=${top%%/*}
[[ -n $top ]] || fail "cannot list $TARBALL"

tree=$scratch/tree
mkdir -p "$tree"
timeout 900 tar -xJf "$TARBALL" -C "$tree" --strip-components=1 \
	"${files[@]/#/$top/}" >"$scratch/tar.log" 2>&1 ||
	fail "$(basename "${patches[0]}")...: cannot extract $(head -n 1 "$scratch/tar.log")"

g() {
	timeout 120 git -C "$tree" -c user.name=ringscope-test -c user.email=test@localhost \
		-c core.autocrlf=false "$@"
}
{ g init -q && g add -f -A && g commit -q -m "$PKG $version (touched files only)"; } \
	>"$scratch/git.log" 2>&1 || fail "cannot set up the scratch git repository"

for p in "${patches[@]}"; do
	if ! g am -q --whitespace=error "$p" >"$scratch/am.log" 2>&1; then
		why=$(grep -m1 -E '^(error|fatal|warning):' "$scratch/am.log")
		fail "$(basename "$p") does not apply to $PKG $version: ${why:-see git am}"
	fi
done

n=$(g rev-list --count HEAD 2>/dev/null)
[[ $n -eq $((${#patches[@]} + 1)) ]] || fail "git am applied $((n - 1)) of ${#patches[@]} patches"
echo "PASS: ${#patches[@]} patches apply cleanly to $PKG $version (git am, $((${#files[@]} - 3)) files)"

# From: and Signed-off-by: are a placeholder in valid form that the submitter
# replaces, never an invented identity; checkpatch --strict is clean.
signer='Your Name <you@example.org>'
for p in "${patches[@]}"; do
	grep -qxF "From: $signer" "$p" && grep -qxF "Signed-off-by: $signer" "$p" ||
		fail "$(basename "$p"): From:/Signed-off-by: must be the placeholder '$signer'"
	(cd "$tree" && timeout 120 perl scripts/checkpatch.pl --strict --no-tree -q "$p") >"$scratch/cp.log" 2>&1 ||
		fail "$(basename "$p"): checkpatch.pl --strict: $(grep -m1 -E '^(ERROR|WARNING|CHECK):' "$scratch/cp.log")"
done
echo "PASS: ${#patches[@]} patches are signed off by the placeholder and checkpatch.pl --strict clean"

# No module parameter (netdev refuses them) and no new exported function (a
# per-queue setter): the cache follows the queue, chosen when it is created.
added=$(grep -hnE '^\+.*\<(module_param[a-z_]*|MODULE_PARM_DESC|EXPORT_SYMBOL[A-Z_]*)\>' "${patches[@]}" | head -n 1)
[[ -z $added ]] || fail "the series adds a module parameter or an exported function: ${added#*:}"
echo "PASS: ${#patches[@]} patches add no module parameter and no exported function"
exit 0
