#!/usr/bin/env bash
# Fetch one of Debian's newer kernels (7.x, not in this machine's bookworm sources) for the VM lab
# and unpack it into the lab's kernel cache in the layout of the 6.x images:
#   $VMCACHE/linux-image-<ver>-<arch>/{boot/vmlinuz-<ver>, lib/modules/<ver>/, .complete, .deb-name}
# Prints that directory's name (what vm-run.sh calls the kernel package) on stdout.
#
#   debian-kernel.sh KERNEL DEB_ARCH VMCACHE      e.g. debian-kernel.sh 7.2 amd64 /var/cache/ringscope/vm
#   debian-kernel.sh KERNEL source CACHE          Debian's linux-source-KERNEL instead (for make kernel):
#     $CACHE/linux-source-<version>/{linux-source-KERNEL.tar.xz, version, .complete}; prints that directory
#
# The suites come from the same Debian archive as the machine's own sources (read at run time from
# /etc/apt/sources.list.d and /etc/apt/sources.list), through a PRIVATE sources file, lists
# directory and package cache: the machine's apt configuration and state are never changed.
# A cached, complete extraction is used without any network access.
set -euo pipefail

KERNEL=${1:-}
DEB_ARCH=${2:-}
VMCACHE=${3:-}
die() { echo "debian-kernel: ERROR: $*" >&2; exit 1; }
say() { echo "debian-kernel: $*" >&2; }

# One row per kernel series: the suite that carries it.
case "$KERNEL" in
7.2) SUITE=sid ;;
7.3) SUITE=trixie-backports ;;
*) die "KERNEL must be 7.2 or 7.3 (got '$KERNEL'); 6.1 and 6.12 come from the machine's own sources" ;;
esac
case "$DEB_ARCH" in amd64 | arm64 | source) ;; *) die "DEB_ARCH must be amd64, arm64 or source (got '$DEB_ARCH')" ;; esac
[ -n "$VMCACHE" ] || die "usage: debian-kernel.sh KERNEL DEB_ARCH|source CACHE"
mkdir -p "$VMCACHE"

# Debian's ABI names: 7.2.13+deb14-amd64 (sid), 7.3.4+deb13-amd64 (trixie-backports)
VER_RE="${KERNEL//./\\.}\\.[0-9]+\\+deb[0-9]+-$DEB_ARCH"

cached() {
	find "$VMCACHE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E "^linux-image-$VER_RE\$" |
		sort -V | while read -r d; do [ -f "$VMCACHE/$d/.complete" ] && echo "$d"; done | tail -n 1 || true
}
if [ "$DEB_ARCH" = source ]; then
	cached() {
		find "$VMCACHE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E "^linux-source-${KERNEL//./\\.}[.-]" |
			sort -V | while read -r d; do [ -f "$VMCACHE/$d/.complete" ] && echo "$VMCACHE/$d"; done | tail -n 1 || true
	}
fi
hit=$(cached)
if [ -n "$hit" ]; then echo "$hit"; exit 0; fi

# The archive address: the source that serves the machine's own release (debian-apt.sh).
. "$(dirname "${BASH_SOURCE[0]}")/debian-apt.sh"
URI=$(debian_archive_uri)
[ -n "$URI" ] || die "no Debian archive found in /etc/apt/sources.list(.d) for this release: cannot fetch $SUITE"

exec 8>"$VMCACHE/.lock-debian-kernel"
flock 8
hit=$(cached)
if [ -n "$hit" ]; then echo "$hit"; exit 0; fi

TMP=$(mktemp -d "$VMCACHE/.dl-debian-kernel.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/deb" "$TMP/x"
say "reading the $SUITE package lists from $URI (private apt configuration in $TMP)"
debian_private_apt "$TMP" "$URI" "$SUITE" "${DEB_ARCH/source/amd64}" >"$TMP/why" || die "apt-get update for $SUITE failed: $(cat "$TMP/why")"

# The source tarball: one package, one file, kept with its Debian version.
if [ "$DEB_ARCH" = source ]; then
	P=linux-source-$KERNEL
	say "downloading $P (once; cached in $VMCACHE)"
	(cd "$TMP/deb" && apt-get "${APT[@]}" download "$P" >>"$TMP/download.log" 2>&1) ||
		die "could not download $P: $(grep -m1 '^E:' "$TMP/download.log" | sed 's/^E: //')"
	V=$(dpkg-deb -f "$TMP"/deb/"$P"_*.deb Version) || die "cannot read the version of $P"
	dpkg-deb -x "$TMP"/deb/"$P"_*.deb "$TMP/x" || die "dpkg-deb -x failed for $P"
	[ -f "$TMP/x/usr/src/$P.tar.xz" ] || die "$P $V has no usr/src/$P.tar.xz"
	OUTD=$TMP/out
	mkdir -p "$OUTD"
	mv "$TMP/x/usr/src/$P.tar.xz" "$OUTD/"
	echo "$V" >"$OUTD/version"
	rm -rf "${VMCACHE:?}/$P-$V"
	mv "$OUTD" "$VMCACHE/$P-$V"
	touch "$VMCACHE/$P-$V/.complete"
	echo "$VMCACHE/$P-$V"
	exit 0
fi

# Newer Debian splits the kernel (linux-binary-*) from its modules (linux-modules-*) and keeps
# linux-image-* as a meta package; older suites ship both in linux-image-*.
names=$(apt-cache "${APT[@]}" pkgnames linux- 2>/dev/null)
VER=$(echo "$names" | sed -nE "s/^linux-(binary|image)-($VER_RE)\$/\\2/p" | sort -V | tail -n 1)
[ -n "$VER" ] || die "$SUITE has no linux-binary/linux-image package for $KERNEL on $DEB_ARCH"
if echo "$names" | grep -qx "linux-binary-$VER"; then
	PKGS=("linux-binary-$VER" "linux-modules-$VER")
else
	PKGS=("linux-image-$VER")
fi
say "downloading ${PKGS[*]} (once; cached in $VMCACHE/linux-image-$VER)"
for p in "${PKGS[@]}"; do
	(cd "$TMP/deb" && apt-get "${APT[@]}" download "$p:$DEB_ARCH" >>"$TMP/download.log" 2>&1) ||
		die "could not download $p: $(grep -m1 '^E:' "$TMP/download.log" | sed 's/^E: //')"
done
for d in "$TMP"/deb/*.deb; do dpkg-deb -x "$d" "$TMP/x" || die "dpkg-deb -x failed for $(basename "$d")"; done

# The lab's layout, wherever this package put things (usr/lib/modules or lib/modules).
OUTD=$TMP/out
mkdir -p "$OUTD/boot" "$OUTD/lib/modules"
img=
for c in "$TMP/x/boot/vmlinuz-$VER" "$TMP/x/usr/lib/modules/$VER/vmlinuz" "$TMP/x/lib/modules/$VER/vmlinuz"; do
	[ -f "$c" ] && { img=$c; break; }
done
[ -n "$img" ] || die "no kernel image for $VER in ${PKGS[*]}"
mv "$img" "$OUTD/boot/vmlinuz-$VER"
mods=
for c in "$TMP/x/usr/lib/modules/$VER" "$TMP/x/lib/modules/$VER"; do
	[ -d "$c/kernel" ] && { mods=$c; break; }
done
[ -n "$mods" ] || die "no modules for $VER in ${PKGS[*]}"
mv "$mods" "$OUTD/lib/modules/$VER"
(cd "$TMP/deb" && ls -- *.deb) >"$OUTD/.deb-name"
rm -rf "${VMCACHE:?}/linux-image-$VER"
mv "$OUTD" "$VMCACHE/linux-image-$VER"
touch "$VMCACHE/linux-image-$VER/.complete"
echo "linux-image-$VER"
