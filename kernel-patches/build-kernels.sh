#!/usr/bin/env bash
# build-kernels.sh - build a stock and a patched Linux 6.12 or 7.2 guest
# kernel for ringscope's qemu lab, from one source tree and one .config.
#
# Usage:
#   kernel-patches/build-kernels.sh [--kernel 6.12|7.2] [--force] [--jobs N] [--stock-only] [--debug]
#   (or: make kernel [KERNEL=7.2], make kernel-debug [KERNEL=7.2])
#
#   --kernel V   the series to build (default 6.12): kernel-patches/V/*.patch
#   --force      rebuild both kernels even if their inputs did not change
#   --jobs N     parallel make jobs (default: nproc)
#   --stock-only build the stock kernel only
#   --debug      build only the patched kernel with config/debug.config on top
#                (KASAN, kmemleak, DMA-API debug, lockdep) into patched-debug/,
#                from its own git worktree of src (src-debug, branch
#                patched-debug) and build dir (build-patched-debug); it takes
#                the cache's lock only for the shared source and .config (so it
#                waits for a running stock/patched build), then its own
#                .lock-debug: a stock/patched build may start beside it
#
# 7.2 is not in this machine's Debian release: its linux-source-7.2 comes
# from Debian's sid through tests/vm/debian-kernel.sh (a private apt
# configuration; the machine's is never changed), cached in
# $RINGSCOPE_CACHE/kernel/7.2/linux-source-7.2-<version>/.  Both series use
# the same config fragment, config/x86_64-6.12.config.
#
# Environment:
#   RINGSCOPE_CACHE  cache root, outside the repository
#                    (default /var/cache/ringscope)
#
# What it does:
#   1. installs missing build dependencies with apt-get (needs root):
#      build-essential bc bison flex libssl-dev libelf-dev pahole dwarves
#      xz-utils git linux-source-6.12 (6.12 only)
#   2. unpacks /usr/src/linux-source-6.12.tar.xz (or 7.2's) into
#      $RINGSCOPE_CACHE/kernel/V/src and makes it a git repository whose
#      branch "stock" is one commit, "stock"
#   3. makes one .config: tinyconfig + kernel-patches/config/x86_64-6.12.config
#      (merge_config.sh, olddefconfig); fails if any option of the fragment
#      did not survive
#   4. builds branch "stock" in build-stock/ (make O=...)
#   5. creates branch "patched" = stock + `git am kernel-patches/6.12/*.patch`
#      and builds it in build-patched/ with the identical .config
#
# Results, in $RINGSCOPE_CACHE/kernel/V/:
#   stock/bzImage     patched/bzImage     kernels for qemu -kernel
#   stock/vmlinux     patched/vmlinux     with BTF (and DWARF) for tooling
#   stock/config      patched/config      the .config used (identical)
#   stock/System.map  patched/System.map
#   stock/stamp       patched/stamp       hash of the inputs of the build
#   patched-debug/{bzImage,vmlinux,config,System.map,stamp}   with --debug
#   logs/*.log        full output of every step
#
# Idempotent: a kernel is rebuilt only when its inputs changed: the Debian
# source package version, the config fragment, this script's config recipe,
# and (patched only) the patch files.  Builds are serialised with a lock
# file; only one kernel is compiled at a time.
#
# Output is one line per step; on failure, one "ERROR: ..." line and the
# tail of the relevant log.  x86_64 hosts only (no cross-compilation).

set -euo pipefail

# Everything lives in main() so that bash has parsed the whole script before
# it starts: editing or updating this file during a long build is safe.
main() {

KVER=6.12
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$HERE/config/x86_64-6.12.config
DEBUG_FRAGMENT=$HERE/config/debug.config
CACHE_ROOT=${RINGSCOPE_CACHE:-/var/cache/ringscope}
# Bump when the way the .config is produced changes.
RECIPE="tinyconfig+merge_config+olddefconfig v1"
# Functions ringscope attaches to, or names kmalloc call sites after (set per
# series below); both kernels must keep them as symbols of their own. 6.12's
# virtqueue_add_split/_packed are notrace (static inline kept out of line):
# no fentry there, but the indirect table's kmalloc site is named by them.
ATTACH_POINTS=()

FORCE=0
STOCK_ONLY=0
DEBUG=0
JOBS=$(nproc)

say() { printf 'build-kernels: %s\n' "$*"; }
die() { printf 'build-kernels: ERROR: %s\n' "$*" >&2; exit 1; }

# die_log LOG MESSAGE: one error line, then the end of the log.
die_log() {
	printf 'build-kernels: ERROR: %s (log: %s)\n' "$2" "$1" >&2
	if [[ -f $1 ]]; then
		printf -- '---- last 25 lines of %s ----\n' "$1" >&2
		tail -n 25 "$1" >&2
	fi
	exit 1
}

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--force) FORCE=1 ;;
	--stock-only) STOCK_ONLY=1 ;;
	--debug) DEBUG=1 ;;
	--kernel) [[ $# -ge 2 ]] || die "--kernel needs a version (6.12 or 7.2)"; KVER=$2; shift ;;
	--kernel=*) KVER=${1#--kernel=} ;;
	--jobs) [[ $# -ge 2 ]] || die "--jobs needs a number"; JOBS=$2; shift ;;
	--jobs=*) JOBS=${1#--jobs=} ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
	shift
done
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$JOBS'"
[[ $DEBUG -eq 0 || $STOCK_ONLY -eq 0 ]] || die "--debug builds the patched kernel: drop --stock-only"
case $KVER in
6.12) ATTACH_POINTS=(virtqueue_add_outbuf virtqueue_add_split virtqueue_add_packed
		     detach_buf_split detach_buf_packed) ;;
# the zero-copy TX path (the lab's xsk-zc workload): the indirect table's
# kmalloc, kfree and DMA map are counted in these
7.2) ATTACH_POINTS=(virtqueue_add_outbuf_premapped detach_buf_split_in_order
		    virtqueue_map_single_attrs) ;;
*) die "--kernel must be 6.12 or 7.2 (got '$KVER')" ;;
esac
SRC_PKG=linux-source-$KVER
TARBALL=/usr/src/$SRC_PKG.tar.xz
PATCH_DIR=$HERE/$KVER
WORK=$CACHE_ROOT/kernel/$KVER
SRC=$WORK/src
LOGS=$WORK/logs
DEPS=(build-essential bc bison flex libssl-dev libelf-dev pahole dwarves
      xz-utils git)
# 6.12 is a package of this Debian release; 7.2 is fetched below.
[[ $KVER != 6.12 ]] || DEPS+=("$SRC_PKG")
[[ $(uname -m) == x86_64 ]] || die "x86_64 host required (this is $(uname -m))"
[[ -f $FRAGMENT ]] || die "config fragment missing: $FRAGMENT"
[[ $DEBUG -eq 0 || -f $DEBUG_FRAGMENT ]] || die "config fragment missing: $DEBUG_FRAGMENT"
shopt -s nullglob
PATCHES=()
for p in "$PATCH_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	# git format-patch --cover-letter's 0000 is mail, not a patch
	[[ $(basename "$p") == 0000-cover-letter.patch ]] || PATCHES+=("$p")
done
shopt -u nullglob
[[ ${#PATCHES[@]} -gt 0 || $STOCK_ONLY -eq 1 ]] || die "no patches in $PATCH_DIR"

mkdir -p "$LOGS" || die "cannot create $LOGS"

# One build at a time, on this cache.
exec 9>"$WORK/.lock"
if ! flock -n 9; then
	say "another build-kernels.sh holds $WORK/.lock; waiting for it"
	flock 9
fi

# ---- 1. dependencies ------------------------------------------------------
missing=()
for p in "${DEPS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $(id -u) -eq 0 ]] ||
		die "missing packages: ${missing[*]} (run as root or: apt-get install ${missing[*]})"
	command -v apt-get >/dev/null || die "missing packages: ${missing[*]} and no apt-get"
	say "installing ${missing[*]}"
	log=$LOGS/apt.log
	if ! DEBIAN_FRONTEND=noninteractive timeout 1800 \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
		# Stale package lists are the usual cause; refresh once.
		DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >>"$log" 2>&1 ||
			die_log "$log" "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive timeout 1800 \
			apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
			die_log "$log" "apt-get install ${missing[*]} failed"
	fi
fi
for tool in gcc make bison flex bc pahole git xz tar flock; do
	command -v "$tool" >/dev/null || die "$tool not found after installing dependencies"
done
if [[ $KVER == 6.12 ]]; then
	[[ -f $TARBALL ]] || die "$TARBALL missing although $SRC_PKG is installed"
	SRC_VERSION=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
else
	log=$LOGS/fetch-source.log
	dir=$("$HERE/../tests/vm/debian-kernel.sh" "$KVER" source "$WORK" 2>"$log") ||
		die_log "$log" "cannot fetch Debian's $SRC_PKG"
	TARBALL=$dir/$SRC_PKG.tar.xz
	SRC_VERSION=$(cat "$dir/version")
fi

# ---- 2. source tree ---------------------------------------------------------
GIT=(git -C "$SRC" -c user.name="ringscope build" -c user.email=ringscope@localhost
     -c advice.detachedHead=false -c core.autocrlf=false)

if [[ ! -d $SRC/.git ]] || [[ $(cat "$SRC/.git/ringscope-source" 2>/dev/null) != "$SRC_VERSION" ]]; then
	say "unpacking $SRC_PKG $SRC_VERSION into $SRC"
	log=$LOGS/unpack.log
	rm -rf "$SRC" "$WORK/build-stock" "$WORK/build-patched" "$WORK/src-debug" \
		"$WORK/build-patched-debug"
	mkdir -p "$SRC"
	tar -xJf "$TARBALL" -C "$SRC" --strip-components=1 >"$log" 2>&1 ||
		die_log "$log" "cannot unpack $TARBALL"
	{
		git init -q -b stock "$SRC" &&
		# No background "gc --auto" repacking 1.4 GB after the commit.
		"${GIT[@]}" config gc.auto 0 &&
		# Debian's top-level .gitignore ignores everything ("/*"): force.
		# Fast zlib level: this hashes ~1.4 GB of source once.
		"${GIT[@]}" -c core.looseCompression=1 add -f -A &&
		GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
			"${GIT[@]}" commit -q -m stock -m "$SRC_PKG $SRC_VERSION"
	} >>"$log" 2>&1 || die_log "$log" "cannot make a git repository of $SRC"
	echo "$SRC_VERSION" >"$SRC/.git/ringscope-source"
fi
"${GIT[@]}" rev-parse -q --verify refs/heads/stock >/dev/null ||
	die "$SRC has no branch 'stock'; remove $SRC and run again"

# ---- hashes of the inputs ---------------------------------------------------
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
CONFIG_KEY=$(printf '%s\n%s\n' "$SRC_VERSION" "$RECIPE" | cat - "$FRAGMENT" | sha256sum | cut -c1-16)
STOCK_KEY=$CONFIG_KEY
PATCHED_KEY=$(printf '%s\n' "$CONFIG_KEY" | cat - "${PATCHES[@]}" | sha256sum | cut -c1-16)

up_to_date() { # DIR KEY
	[[ $FORCE -eq 0 && -f $1/bzImage && -f $1/vmlinux && -f $1/stamp &&
	   $(cat "$1/stamp") == "$2" ]]
}

if [[ $DEBUG -eq 0 ]] && up_to_date "$WORK/stock" "$STOCK_KEY" &&
   up_to_date "$WORK/patched" "$PATCHED_KEY"; then
	say "stock and patched kernels are up to date in $WORK"
	exit 0
fi

checkout() { # BRANCH
	"${GIT[@]}" checkout -q -f "$1" >>"$LOGS/git.log" 2>&1 ||
		die_log "$LOGS/git.log" "git checkout $1 failed in $SRC"
}

# check_fragment FRAGMENT CONFIG: every option FRAGMENT sets must have
# survived olddefconfig in CONFIG.
check_fragment() {
	local line opt lost=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$2" || lost+=("$line") ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% is not set}
			! grep -q "^$opt=" "$2" || lost+=("$line") ;;
		esac
	done <"$1"
	[[ ${#lost[@]} -eq 0 ]] ||
		die "$(basename "$1"): ${lost[*]} did not survive olddefconfig (unmet dependency?)"
}

# ---- 3. one .config -----------------------------------------------------------
CONFIG=$WORK/config
if [[ $FORCE -eq 1 || ! -f $CONFIG || $(cat "$CONFIG.stamp" 2>/dev/null) != "$CONFIG_KEY" ]]; then
	say "making .config: tinyconfig + $(basename "$FRAGMENT")"
	checkout stock
	log=$LOGS/config.log
	cfgdir=$WORK/build-config
	rm -rf "$cfgdir"
	mkdir -p "$cfgdir"
	{
		make -C "$SRC" O="$cfgdir" ARCH=x86_64 tinyconfig &&
		(cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$cfgdir" \
			"$cfgdir/.config" "$FRAGMENT") &&
		make -C "$SRC" O="$cfgdir" ARCH=x86_64 olddefconfig
	} >"$log" 2>&1 || die_log "$log" "making the .config failed"
	check_fragment "$FRAGMENT" "$cfgdir/.config"
	cp "$cfgdir/.config" "$CONFIG.tmp" && mv "$CONFIG.tmp" "$CONFIG"
	echo "$CONFIG_KEY" >"$CONFIG.stamp"
	rm -rf "$cfgdir"
fi

# ---- --debug: the patched kernel with KASAN, kmemleak, DMA-API debug, lockdep --
# Its own worktree, .config, build dir and lock: once the shared source and
# .config are ready, a stock or patched build of the same cache may run beside it.
build_debug() {
	local tree=$WORK/src-debug cfgdir=$WORK/build-patched-debug
	local key marker log=$LOGS/debug-tree.log
	local dgit=(git -C "$tree" -c user.name="ringscope build" -c user.email=ringscope@localhost
		    -c advice.detachedHead=false)

	key=$(printf '%s\n' "$PATCHED_KEY" | cat - "$DEBUG_FRAGMENT" | sha256sum | cut -c1-16)
	flock -u 9
	exec 8>"$WORK/.lock-debug"
	if ! flock -n 8; then
		say "another build-kernels.sh --debug holds $WORK/.lock-debug; waiting for it"
		flock 8
	fi
	if up_to_date "$WORK/patched-debug" "$key"; then
		say "patched-debug kernel is up to date: $WORK/patched-debug/bzImage"
		return 0
	fi
	{
		"${GIT[@]}" worktree prune &&
		{ [[ -e $tree/.git ]] || "${GIT[@]}" worktree add -q --detach "$tree" stock; }
	} >"$log" 2>&1 || die_log "$log" "cannot add the worktree $tree"
	# The series is applied again only when it changed: rewriting the files
	# would make Kbuild rebuild them and relink.
	marker=$("${dgit[@]}" rev-parse --absolute-git-dir)/ringscope-series
	if [[ $(cat "$marker" 2>/dev/null) != "$PATCHED_KEY" ||
	      -n $("${dgit[@]}" status --porcelain --untracked-files=no) ]]; then
		say "applying ${#PATCHES[@]} patches onto stock in $tree (branch patched-debug)"
		rm -f "$marker"
		{
			{ [[ ! -d ${marker%/*}/rebase-apply ]] || "${dgit[@]}" am --abort; } &&
			"${dgit[@]}" checkout -q -f -B patched-debug stock &&
			"${dgit[@]}" am -q --whitespace=error "${PATCHES[@]}"
		} >>"$log" 2>&1 || die_log "$log" "the series does not apply in $tree"
		echo "$PATCHED_KEY" >"$marker"
	fi
	say "making .config: $(basename "$CONFIG") + $(basename "$DEBUG_FRAGMENT")"
	log=$LOGS/config-debug.log
	mkdir -p "$cfgdir"
	{
		(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$cfgdir" \
			"$CONFIG" "$DEBUG_FRAGMENT") &&
		make -C "$tree" O="$cfgdir" ARCH=x86_64 olddefconfig
	} >"$log" 2>&1 || die_log "$log" "making the debug .config failed"
	check_fragment "$FRAGMENT" "$cfgdir/.config"
	check_fragment "$DEBUG_FRAGMENT" "$cfgdir/.config"
	cp "$cfgdir/.config" "$WORK/config-debug"
	build patched-debug "$key" "$tree" "$WORK/config-debug"
}

# ---- 4./5. builds ---------------------------------------------------------------
fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

build() { # NAME KEY [SOURCE CONFIG]: SOURCE defaults to $SRC at branch NAME
	local name=$1 key=$2 src=${3:-$SRC} cfg=${4:-$CONFIG}
	local bdir=$WORK/build-$name out=$WORK/$name log=$LOGS/build-$name.log
	local t0 secs sym miss=()

	if up_to_date "$out" "$key"; then
		say "$name kernel is up to date: $out/bzImage"
		return 0
	fi
	[[ $src != "$SRC" ]] || checkout "$name"
	# The patched tree differs from stock in a few files: start the patched
	# build from a copy of the finished stock build, and let Kbuild's own
	# dependency tracking rebuild what the series touches (git wrote those
	# files after the stock objects were made, so they are newer).
	if [[ $name == patched && ! -f $bdir/vmlinux && -f $WORK/build-stock/vmlinux ]]; then
		rm -rf "$bdir"
		cp -a "$WORK/build-stock" "$bdir" ||
			die "cannot copy $WORK/build-stock to $bdir"
		# tools/ (objtool, resolve_btfids) record absolute output paths in
		# their .cmd and .d files.  Point them at the copy, or objtool is
		# relinked, and every kernel object depends on the objtool binary.
		local from to
		from=$(printf '%s' "$WORK/build-stock" | sed 's/[][\\.*^$/]/\\&/g')
		to=$(printf '%s' "$bdir" | sed 's/[\\&/]/\\&/g')
		{ grep -rlZF --include='.*.cmd' --include='*.d' -- "$WORK/build-stock" "$bdir" || true; } |
			xargs -0 -r sed -i "s/$from/$to/g" ||
			die "cannot relocate the copy of build-stock"
	fi
	mkdir -p "$bdir"
	cmp -s "$cfg" "$bdir/.config" || cp "$cfg" "$bdir/.config"
	say "building $name kernel with -j$JOBS (log: $log)"
	t0=$SECONDS
	{
		make -C "$src" O="$bdir" ARCH=x86_64 olddefconfig &&
		cmp -s "$cfg" "$bdir/.config" &&
		make -C "$src" O="$bdir" ARCH=x86_64 -j"$JOBS" bzImage
	} >"$log" 2>&1 || die_log "$log" "$name kernel build failed"
	secs=$((SECONDS - t0))
	for sym in "${ATTACH_POINTS[@]}"; do
		grep -q " [tT] $sym\$" "$bdir/System.map" || miss+=("$sym")
	done
	[[ ${#miss[@]} -eq 0 ]] ||
		say "WARNING: $name kernel has no symbol for ${miss[*]} (inlined: no attach point or call-site name)"
	mkdir -p "$out"
	rm -f "$out/stamp"
	cp "$bdir/arch/x86/boot/bzImage" "$bdir/vmlinux" "$bdir/System.map" "$out/"
	cp "$bdir/.config" "$out/config"
	echo "$secs" >"$out/build-seconds"
	echo "$key" >"$out/stamp"
	say "built $name kernel in $(fmt_time "$secs"): $out/bzImage"
}

[[ $DEBUG -eq 0 ]] || { build_debug; exit 0; }

build stock "$STOCK_KEY"
if [[ $STOCK_ONLY -eq 1 ]]; then
	say "done (stock only): $WORK/stock/bzImage"
	exit 0
fi

# Branch "patched": stock + the series, recreated whenever a build is due.
if ! up_to_date "$WORK/patched" "$PATCHED_KEY"; then
	say "applying ${#PATCHES[@]} patches onto stock (branch patched)"
	log=$LOGS/git-am.log
	# A run killed in the middle of `git am` leaves its state behind.
	[[ ! -d $SRC/.git/rebase-apply ]] || "${GIT[@]}" am --abort >/dev/null 2>&1 || true
	"${GIT[@]}" checkout -q -f -B patched stock >"$log" 2>&1 ||
		die_log "$log" "cannot create branch patched"
	if ! "${GIT[@]}" am -q --whitespace=error "${PATCHES[@]}" >>"$log" 2>&1; then
		"${GIT[@]}" am --abort >/dev/null 2>&1 || true
		# Branch patched is now plain stock: whatever was built before no
		# longer matches the tree, so the next run must rebuild.
		rm -f "$WORK/patched/stamp"
		die_log "$log" "the series does not apply to $SRC_PKG $SRC_VERSION"
	fi
fi
build patched "$PATCHED_KEY"

cmp -s "$WORK/stock/config" "$WORK/patched/config" ||
	die "stock and patched .config differ"
say "done: $WORK/stock/bzImage $WORK/patched/bzImage"
}

# exit on the same line: bash reads a script as it runs, so without it an
# edit of this file during a build would run whatever text now follows.
main "$@"; exit
