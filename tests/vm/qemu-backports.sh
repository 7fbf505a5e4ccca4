#!/usr/bin/env bash
# Fetch Debian bookworm-backports' qemu (10.0 at the time of writing) for the VM lab, without
# installing it: the machine keeps its own qemu 7.2 for everyone else.
#
#   qemu-backports.sh CACHE        e.g. qemu-backports.sh /var/cache/ringscope
#
# Unpacks qemu-system-x86, qemu-system-common, qemu-system-data and the seabios it needs (the
# package wants seabios > 1.16.3, newer than bookworm's) into CACHE/qemu-<version>/ and prints
# that directory. It holds:
#   usr/bin/qemu-system-x86_64        the emulator
#   usr/lib/x86_64-linux-gnu/qemu/    its modules (pass QEMU_MODULE_DIR: the installed qemu's
#                                     modules in the same system path are of another version)
#   fw/                               qemu's data + seabios in one directory, for qemu's -L
#                                     (ipxe's option ROMs come from the installed ipxe-qemu,
#                                     which is the version the backport depends on)
#   version, .complete
# The package lists come from the archive of the machine's own release through a PRIVATE sources
# file, lists directory and package cache (as tests/vm/debian-kernel.sh does for 7.x kernels):
# the machine's apt configuration and installed packages are never changed. A complete cached
# extraction is used without network access.
set -euo pipefail

CACHE=${1:-}
die() { echo "qemu-backports: ERROR: $*" >&2; exit 1; }
say() { echo "qemu-backports: $*" >&2; }
[ -n "$CACHE" ] || die "usage: qemu-backports.sh CACHE"
[ "$(dpkg --print-architecture)" = amd64 ] || die "the backports qemu is fetched for amd64 hosts only (this is $(dpkg --print-architecture))"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$codename" = bookworm ] || die "QEMU=backports takes bookworm-backports' qemu, built for Debian 12 (this machine is '${codename:-unknown}'): use the installed qemu"
mkdir -p "$CACHE" 2>/dev/null || die "cannot create the cache directory $CACHE (RINGSCOPE_CACHE)"

cached() {
	find "$CACHE" -mindepth 1 -maxdepth 1 -type d -name 'qemu-[0-9]*' -printf '%f\n' | sort -V |
		while read -r d; do [ -f "$CACHE/$d/.complete" ] && echo "$CACHE/$d"; done | tail -n 1 || true
}
hit=$(cached)
if [ -n "$hit" ]; then echo "$hit"; exit 0; fi

# The archive of the machine's own release (debian-apt.sh).
. "$(dirname "${BASH_SOURCE[0]}")/debian-apt.sh"
URI=$(debian_archive_uri)
[ -n "$URI" ] || die "no Debian archive for $codename in /etc/apt/sources.list(.d): cannot read bookworm-backports"

exec 8>"$CACHE/.lock-qemu-backports"
flock 8
hit=$(cached)
if [ -n "$hit" ]; then echo "$hit"; exit 0; fi

TMP=$(mktemp -d "$CACHE/.dl-qemu-backports.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/deb" "$TMP/x"
say "reading the bookworm-backports package lists from $URI (private apt configuration in $TMP)"
debian_private_apt "$TMP" "$URI" bookworm-backports amd64 >"$TMP/why" || die "apt-get update for bookworm-backports failed: $(cat "$TMP/why")"

PKGS=(qemu-system-x86 qemu-system-common qemu-system-data seabios)
say "downloading ${PKGS[*]} from bookworm-backports (once; cached in $CACHE)"
for p in "${PKGS[@]}"; do
	(cd "$TMP/deb" && apt-get "${APT[@]}" download "$p/bookworm-backports" >>"$TMP/download.log" 2>&1) ||
		die "could not download $p from bookworm-backports: $(grep -m1 '^E:' "$TMP/download.log" | sed 's/^E: //')"
done
for d in "$TMP"/deb/*.deb; do dpkg-deb -x "$d" "$TMP/x" || die "dpkg-deb -x failed for $(basename "$d")"; done
V=$(dpkg-deb -f "$TMP"/deb/qemu-system-x86_*.deb Version)

BIN=$TMP/x/usr/bin/qemu-system-x86_64
[ -x "$BIN" ] || die "qemu-system-x86 $V has no usr/bin/qemu-system-x86_64"
missing=$(ldd "$BIN" | awk '/not found/ { print $1 }' | paste -sd' ')
[ -z "$missing" ] || die "qemu $V needs libraries this machine lacks: $missing (they are Debian 12 packages: apt-get install the ones that provide them)"
mkdir -p "$TMP/x/fw"
cp -a "$TMP/x/usr/share/qemu/." "$TMP/x/fw/"
cp -a "$TMP/x/usr/share/seabios/." "$TMP/x/fw/"
QEMU_MODULE_DIR=$TMP/x/usr/lib/x86_64-linux-gnu/qemu "$BIN" -L "$TMP/x/fw" --version >/dev/null ||
	die "qemu $V does not run here: $("$BIN" --version 2>&1 | tail -n 1)"
echo "$V" >"$TMP/x/version"
# qemu-10.0.2 for 1:10.0.2+ds-2+deb13u1~bpo12+1
D=$CACHE/qemu-$(echo "$V" | sed -E 's/^[0-9]+://; s/[+~-].*$//')
rm -rf "$D"
mv "$TMP/x" "$D"
touch "$D/.complete"
say "qemu $V in $D"
echo "$D"
