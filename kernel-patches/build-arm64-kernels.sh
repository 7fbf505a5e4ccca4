#!/usr/bin/env bash
# build-arm64-kernels.sh - cross-build Debian's linux-source-6.1 for arm64 twice
# from one git tree and one .config: STOCK, and PATCHED with the series in
# kernel-patches/6.1/ (sharded vgic-its LPI translation cache).
#
#   <cache>/kernel/6.1-arm64/src            git repo: branch "stock" (tarball as
#                                           shipped), branch "patched" (git am)
#   <cache>/kernel/6.1-arm64/build-stock    O= object dirs
#   <cache>/kernel/6.1-arm64/build-patched
#   <cache>/kernel/6.1-arm64/{stock,patched}/Image   (+ config, System.map)
#   <cache>/kernel/6.1-arm64/logs/           full build logs
#
# <cache> is ${RINGSCOPE_CACHE:-/var/cache/ringscope}. A kernel is rebuilt only
# when the config fragment, the source package version or (for PATCHED) the
# series changed; --force rebuilds both. The first PATCHED build starts from a
# copy of the finished STOCK object dir: both use the same .config, and Kbuild's
# dependency tracking then recompiles exactly what the series touches (files
# that git am rewrote are newer than their objects) instead of everything.
# --clean-patched builds PATCHED from an empty object dir instead. Options:
#   --force        rebuild even if the stamps match
#   --stock-only   build STOCK only
#   --clean-patched  do not seed build-patched from build-stock
#   --prepare-only install deps, set up the git tree and the merged .config
#   -j N           parallel jobs (default: nproc)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
TOP=$CACHE/kernel/6.1-arm64
SRC=$TOP/src
LOGDIR=$TOP/logs
PATCHDIR=$HERE/6.1
FRAG=$HERE/config/arm64-6.1.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
SRCPKG=linux-source-6.1
JOBS=$(nproc)
FORCE=0
STOCK_ONLY=0
CLEAN_PATCHED=0
PREPARE_ONLY=0
GIT_ID=(-c user.name="ringscope developers" -c user.email=ringscope@localhost)

die() { echo "build-arm64-kernels: ERROR: $*" >&2; exit 1; }
say() { echo "build-arm64-kernels: $*"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--force) FORCE=1 ;;
	--stock-only) STOCK_ONLY=1 ;;
	--clean-patched) CLEAN_PATCHED=1 ;;
	--prepare-only) PREPARE_ONLY=1 ;;
	-j) shift; JOBS=${1:?-j needs a number} ;;
	-j*) JOBS=${1#-j} ;;
	-h|--help) sed -n '2,26p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

[ -f "$FRAG" ] || die "config fragment $FRAG not found"
PATCHES=()
while IFS= read -r p; do PATCHES+=("$p"); done < <(find "$PATCHDIR" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
[ "${#PATCHES[@]}" -gt 0 ] || die "no patches in $PATCHDIR"

# ---- dependencies --------------------------------------------------------
install_deps() {
	local pkgs=(make gcc git xz-utils bc bison flex libssl-dev libelf-dev
		    dwarves gcc-aarch64-linux-gnu "$SRCPKG")
	local missing=() p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root to install them"
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}
install_deps
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc not found after install"
command -v pahole >/dev/null || die "pahole not found (package dwarves) - needed for DEBUG_INFO_BTF"
[ -f "$TARBALL" ] || die "$TARBALL not found (package $SRCPKG)"

mkdir -p "$TOP" "$LOGDIR"
exec 9>"$TOP/.lock"
flock -n 9 || { say "another build holds $TOP/.lock, waiting"; flock 9; }

SRCVER=$(dpkg-query -W -f='${Version}' "$SRCPKG")
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
STOCK_KEY=$(printf '%s\n%s\n' "$SRCVER" "$(aarch64-linux-gnu-gcc -dumpfullversion)" |
	    cat - "$FRAG" | sha256sum | cut -c1-16)
PATCHED_KEY=$(printf '%s\n' "$STOCK_KEY" | cat - "${PATCHES[@]}" | sha256sum | cut -c1-16)

# ---- one git tree: branch stock = the tarball --------------------------------
prepare_tree() {
	if [ -d "$SRC/.git" ] && [ "$(cat "$TOP/src.version" 2>/dev/null)" = "$SRCVER" ] &&
	   git -C "$SRC" rev-parse -q --verify refs/heads/stock >/dev/null; then
		return 0
	fi
	say "unpacking $TARBALL ($SRCPKG $SRCVER) into $SRC"
	rm -rf "$SRC" "$TOP/build-stock" "$TOP/build-patched" "$TOP/.unpack"
	mkdir -p "$TOP/.unpack"
	tar -xf "$TARBALL" -C "$TOP/.unpack" || die "cannot unpack $TARBALL"
	mv "$TOP/.unpack/linux-source-6.1" "$SRC"
	rmdir "$TOP/.unpack"
	# Debian's top-level .gitignore ignores everything ("/*"): add with -f.
	git -C "$SRC" init -q -b stock
	git -C "$SRC" config gc.auto 0   # no surprise repack of 78k objects mid-build
	git -C "$SRC" add -A -f .
	git -C "$SRC" "${GIT_ID[@]}" commit -q -m "stock: $SRCPKG $SRCVER" ||
		die "cannot commit the stock tree"
	echo "$SRCVER" > "$TOP/src.version"
}

checkout() { # branch
	git -C "$SRC" checkout -q -f "$1" || die "git checkout $1 failed in $SRC"
	git -C "$SRC" clean -q -fdx || true
}

KMAKE=(make -C "$SRC" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

# tinyconfig + fragment + olddefconfig, made once on the stock tree; both
# builds get this exact file.
merge_config() {
	local o=$TOP/.config-work
	rm -rf "$o"; mkdir -p "$o"
	"${KMAKE[@]}" O="$o" tinyconfig >"$LOGDIR/config.log" 2>&1 || {
		tail -20 "$LOGDIR/config.log"; die "make tinyconfig failed (log: $LOGDIR/config.log)"; }
	(cd "$SRC" && ./scripts/kconfig/merge_config.sh -m -O "$o" "$o/.config" "$FRAG") \
		>>"$LOGDIR/config.log" 2>&1 || {
		tail -20 "$LOGDIR/config.log"; die "merge_config.sh failed (log: $LOGDIR/config.log)"; }
	"${KMAKE[@]}" O="$o" olddefconfig >>"$LOGDIR/config.log" 2>&1 || {
		tail -20 "$LOGDIR/config.log"; die "make olddefconfig failed (log: $LOGDIR/config.log)"; }
	# every symbol the fragment asks for must have survived olddefconfig
	local k v got bad=0
	while IFS='=' read -r k v; do
		got=$(grep -E "^$k=" "$o/.config" || true)
		if [ "$got" != "$k=$v" ]; then
			echo "  fragment asks $k=$v, .config has '${got:-unset}'" >&2; bad=1
		fi
	done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$FRAG")
	[ $bad -eq 0 ] || die "config fragment not satisfiable (missing dependencies above)"
	cp "$o/.config" "$TOP/config.merged"
	rm -rf "$o"
}

build_one() { # name branch key
	local name=$1 branch=$2 key=$3 out=$TOP/$1 bdir=$TOP/build-$1 log t0 t1
	if [ $FORCE -eq 0 ] && [ -f "$out/Image" ] && [ "$(cat "$out/.key" 2>/dev/null)" = "$key" ]; then
		say "$name: up to date ($out/Image)"
		return 0
	fi
	checkout "$branch"
	if [ "$name" = patched ] && [ $CLEAN_PATCHED -eq 1 ]; then
		rm -rf "$bdir"
	elif [ "$name" = patched ] && [ ! -f "$bdir/vmlinux" ] && [ -f "$TOP/build-stock/vmlinux" ] &&
	     [ "$(cat "$TOP/stock/.key" 2>/dev/null)" = "$STOCK_KEY" ]; then
		say "patched: seeding $bdir from build-stock (incremental rebuild of what the series touches)"
		rm -rf "$bdir"
		cp -a "$TOP/build-stock" "$bdir.tmp" && mv "$bdir.tmp" "$bdir" ||
			die "cannot copy build-stock to $bdir"
	fi
	mkdir -p "$bdir" "$out"
	if ! cmp -s "$TOP/config.merged" "$bdir/.config"; then
		cp "$TOP/config.merged" "$bdir/.config"
	fi
	log=$LOGDIR/build-$name.log
	say "$name: building Image on branch $branch, -j$JOBS (log: $log)"
	t0=$(date +%s)
	if ! { "${KMAKE[@]}" O="$bdir" olddefconfig &&
	       "${KMAKE[@]}" O="$bdir" -j"$JOBS" Image; } >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "$name kernel build failed (full log: $log)"
	fi
	t1=$(date +%s)
	# the patches must not change the configuration
	cmp -s "$TOP/config.merged" "$bdir/.config" ||
		die "$name: .config differs from the merged config after olddefconfig"
	cp "$bdir/arch/arm64/boot/Image" "$out/Image.new" && mv "$out/Image.new" "$out/Image"
	cp "$bdir/.config" "$out/config"
	cp "$bdir/System.map" "$out/System.map"
	git -C "$SRC" rev-parse HEAD > "$out/commit"
	echo "$key" > "$out/.key"
	say "$name: built $out/Image in $((t1 - t0)) s"
}

apply_series() {
	# a run interrupted inside git am leaves .git/rebase-apply behind
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	checkout stock
	git -C "$SRC" checkout -q -B patched stock || die "cannot create branch patched"
	local p
	for p in "${PATCHES[@]}"; do
		if ! git -C "$SRC" "${GIT_ID[@]}" am -q "$p" >"$LOGDIR/git-am.log" 2>&1; then
			cat "$LOGDIR/git-am.log" >&2
			git -C "$SRC" am --abort >/dev/null 2>&1 || true
			die "patch $(basename "$p") does not apply to $SRCPKG $SRCVER"
		fi
	done
	say "applied ${#PATCHES[@]} patches on branch patched"
}

prepare_tree
if [ $FORCE -eq 1 ] || [ ! -f "$TOP/config.merged" ] ||
   [ "$(cat "$TOP/config.key" 2>/dev/null)" != "$STOCK_KEY" ]; then
	checkout stock
	merge_config
	echo "$STOCK_KEY" > "$TOP/config.key"
fi

if [ $PREPARE_ONLY -eq 1 ]; then
	apply_series
	checkout stock
	say "prepared $SRC and $TOP/config.merged"
	exit 0
fi

build_one stock stock "$STOCK_KEY"
if [ $STOCK_ONLY -eq 0 ]; then
	if [ $FORCE -eq 1 ] || [ ! -f "$TOP/patched/Image" ] ||
	   [ "$(cat "$TOP/patched/.key" 2>/dev/null)" != "$PATCHED_KEY" ]; then
		apply_series
	fi
	build_one patched patched "$PATCHED_KEY"
fi
if [ $STOCK_ONLY -eq 0 ]; then
	say "done: $TOP/stock/Image $TOP/patched/Image"
else
	say "done: $TOP/stock/Image"
fi
