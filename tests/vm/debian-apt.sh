# shellcheck shell=bash
# Sourced by debian-kernel.sh and qemu-backports.sh: Debian suites this machine's apt does not
# list (sid, trixie-backports, bookworm-backports), read through a PRIVATE apt configuration, so
# the machine's sources, lists and installed packages are never changed.

# The archive that serves the machine's own release (not -security/-updates), from
# /etc/apt/sources.list.d/*.sources (deb822) or the one-line sources.list files.
debian_archive_uri() { debian_archive_uris | head -n 1; }
debian_archive_uris() {
	local codename f
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || return 0
	# deb822 (.sources): the URIs of a stanza whose Suites include the codename itself
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v c="$codename" '
			/^[[:space:]]*$/ { if (ok && uri != "") { print uri; exit } ok = 0; uri = ""; next }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) ok = 1 }
			END { if (ok && uri != "") print uri }' "$f"
	done
	# one-line format: deb [options] URI SUITE COMPONENTS...
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -E 's/\[[^]]*\]//' "$f" | awk -v c="$codename" '$1 == "deb" && $3 == c { print $2 }'
	done
}

# debian_private_apt DIR URI SUITE ARCH: a sources file, lists directory and package cache in DIR,
# apt-get update; sets APT (the options for apt-get/apt-cache). On failure prints apt's first
# error line and returns 1.
debian_private_apt() {
	local dir=$1 uri=$2 suite=$3 arch=$4
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb $uri $suite main" >"$dir/sources.list"
	APT=(-q -o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=-
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		-o APT::Architectures::="$arch" -o Acquire::Languages=none)
	apt-get "${APT[@]}" update >"$dir/update.log" 2>&1 && return 0
	grep -m1 -E '^(E|W):' "$dir/update.log" || tail -n 1 "$dir/update.log"
	return 1
}
