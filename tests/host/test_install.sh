#!/usr/bin/env bash
# make install / make uninstall into a private DESTDIR: the exact file list and
# modes, the man page (renders without warnings, documents every command and
# every option --help prints), the bash completion (commands, options, choice
# values, presets from trace_presets.c's table, interface names), --version against
# git describe, and an uninstall that leaves no file of ours and keeps others'.
set -u
. "$(dirname "$0")/../lib/common.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_install: must run as root"; exit 1; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "/tmp/rst-install-$$.XXXXXX")
on_exit "rm -rf $tmp"
root=$tmp/root prefix=/usr/local
sbin=$root$prefix/sbin
page=$root$prefix/share/man/man8/ringscope.8
comp=$root$prefix/share/bash-completion/completions/ringscope

# Files of other packages in the shared directories: uninstall must keep them.
mkdir -p "$root$prefix/share/man/man8" "$root$prefix/share/bash-completion/completions"
echo other >"$root$prefix/share/man/man8/other.8"
echo other >"$root$prefix/share/bash-completion/completions/other"
others=$(printf '%s\n' ".$prefix/share/bash-completion/completions/other" ".$prefix/share/man/man8/other.8")

files_in() { (cd "$1" && find . -type f -o -type l) | sort; }

if make -C "$repo" -s --no-print-directory install PREFIX=$prefix DESTDIR="$root" >"$tmp/install.log" 2>&1; then
	pass "make_install"
else
	fail "make_install" "$(tail -5 "$tmp/install.log" | tr '\n' ' ')"
	finish
fi

want=$( { echo "$others"
	  printf '%s\n' ".$prefix/sbin/ringscope" ".$prefix/share/man/man8/ringscope.8" \
		".$prefix/share/bash-completion/completions/ringscope"
	  for f in "$repo"/tracing/*; do echo ".$prefix/share/ringscope/tracing/${f##*/}"; done; } | sort)
got=$(files_in "$root")
check "install_exact_files" "$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')" \
	[ "$want" = "$got" ]
modes=$(cd "$root$prefix" && stat -c '%a %n' sbin/ringscope share/man/man8/ringscope.8 \
	share/bash-completion/completions/ringscope share/ringscope/tracing/* | sort -k2)
want_modes=$( { echo "755 sbin/ringscope"; echo "644 share/man/man8/ringscope.8"
		echo "644 share/bash-completion/completions/ringscope"
		for f in "$repo"/tracing/*; do echo "755 share/ringscope/tracing/${f##*/}"; done; } | sort -k2)
check "install_modes" "$(echo $modes)" [ "$modes" = "$want_modes" ]
# PREFIX is honoured: a second tree under /opt/rs holds the same files there.
make -C "$repo" -s --no-print-directory install PREFIX=/opt/rs DESTDIR="$tmp/opt" >"$tmp/opt.log" 2>&1
got_opt=$(files_in "$tmp/opt")
want_opt=$(echo "$want" | grep -v other | sed "s|^\.$prefix/|./opt/rs/|" | sort)
check "install_prefix" "$(echo $got_opt)" [ "$got_opt" = "$want_opt" ]

# --version: the release VERSION and git describe, captured at build time.
version=$(sed -n 's/^VERSION := //p' "$repo/mk/version.mk")
describe=$(git -C "$repo" describe --always --dirty --tags)
line=$("$sbin/ringscope" --version | head -n 1)
check "version_matches_git_describe" "'$line', want 'ringscope $version (git $describe)'" \
	[ "$line" = "ringscope $version (git $describe)" ]
check "version_command_same" "$("$sbin/ringscope" version | tr '\n' ' ')" \
	[ "$("$sbin/ringscope" version)" = "$("$sbin/ringscope" --version)" ]
# Outside a git tree the header carries no describe (cmd_version prints VERSION only).
mkdir -p "$tmp/nogit/mk" && cp "$repo/mk/version.sh" "$tmp/nogit/mk/"
GIT_CEILING_DIRECTORIES=$tmp sh "$tmp/nogit/mk/version.sh" "$tmp/nogit/version.h" 9.9.9
check "version_outside_git" "$(tr '\n' ' ' <"$tmp/nogit/version.h")" \
	grep -qx '#define RS_GIT_DESCRIBE ""' "$tmp/nogit/version.h"

# The man page renders without a warning from man/groff.
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err"
check "man_renders_clean" "$(head -3 "$tmp/man.err" | tr '\n' ' ')" \
	[ ! -s "$tmp/man.err" -a "$(grep -c . "$tmp/man.txt")" -gt 100 ]
check "man_name_and_version" "$(head -1 "$tmp/man.txt"), $(tail -1 "$tmp/man.txt")" \
	eval 'grep -q "^ *ringscope - drive AF_XDP traffic" "$tmp/man.txt" && tail -1 "$tmp/man.txt" | grep -q "^ringscope $version "'

# Every command of `ringscope --help` has its section, and every long option of
# `ringscope CMD --help` is in that section (read with a regex of its own, not
# the completion's parser that built the page).
commands=$("$sbin/ringscope" --help | sed -n 's/^  \([a-z][a-z0-9-]*\)  .*/\1/p')
long_opts() { "$sbin/ringscope" "$1" --help | grep -oE '^ +(-[[:alnum:]], )?--[[:alnum:]-]+' | grep -oE -- '--[[:alnum:]-]+$'; }
missing=
for c in $commands; do
	section=$(awk -v c="$c" '$0 == "   " c { on = 1; next } on && (/^   [a-z]/ || /^[A-Z]/) { exit } on' "$tmp/man.txt")
	[[ $section ]] || { missing+=" $c(no section)"; continue; }
	for o in $(long_opts "$c"); do
		grep -qe "$o\b" <<<"$section" || missing+=" $c:$o"
	done
done
check "man_every_command_and_option" "missing:$missing" [ -z "$missing" -a "$(echo "$commands" | wc -l)" -ge 10 ]
# The build refuses a page source without a section for a command.
sed '/^@options trace@$/d' "$repo/man/ringscope.8.scd" >"$tmp/no-trace.scd"
bash "$repo/man/gen-man.sh" "$sbin/ringscope" "$tmp/no-trace.scd" >/dev/null 2>"$tmp/gen.err"
rc=$?
check "man_missing_section_fails" "rc $rc, $(tr '\n' ' ' <"$tmp/gen.err")" \
	eval '((rc != 0)) && grep -q "only in --help: trace" "$tmp/gen.err"'

# The completion registers itself without the bash-completion package.
reg=$(bash --norc -c "source '$comp'; complete -p ringscope" 2>&1)
check "completion_registered" "'$reg'" [ "$reg" = "complete -F _ringscope ringscope" ]

# complete WORD...: what <TAB> after these words offers (the last word is the
# one being completed), sorted, one line, from the installed binary in PATH.
complete_words() {
	PATH=$sbin:$PATH bash --norc -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_ringscope; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$comp" "$@"
}
expect_completion() {	# expect_completion NAME "WANT (sorted, space-separated)" WORD...
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	check "$name" "'${*}<TAB>' gave '$got', want '$want'" [ "$got" = "$want" ]
}
sorted() { tr ' ' '\n' | grep . | sort | tr '\n' ' '; }

expect_completion "complete_tr_is_trace" "trace " ringscope tr
expect_completion "complete_commands" "$(echo $commands --help --version | sorted)" ringscope ""
expect_completion "complete_gen_modes" "$(echo fwd rx tx | sorted)" ringscope gen ""
expect_completion "complete_long_option" "--bind " ringscope gen tx --bi
expect_completion "complete_choice" "$(echo auto copy zc | sorted)" ringscope gen tx --bind ""
expect_completion "complete_choice_after_equals" "zc " ringscope gen tx --bind = z
presets=$(sed -n '/^const struct preset trace_presets\[\] = {/,/^};/s/^\t{ "\([a-z0-9-]*\)".*/\1/p' "$repo/user/trace/trace_presets.c")
check presets_table_read "no preset names read from user/trace/trace_presets.c" [ "$(echo $presets | wc -w)" -ge 4 ]
expect_completion "complete_presets_from_table" "$(echo $presets | sorted)" ringscope trace -p ""
expect_completion "complete_preset_list" "virtio-tx,xsk-tx " ringscope trace --preset virtio-tx,xs
expect_completion "complete_path_names" "virtio-tx virtio-xsk " ringscope run --path virtio-
expect_completion "complete_host_ifaces" "$(ls /sys/class/net | sorted)" ringscope gen tx -i ""
ns=rst-inst-$$
ip netns add "$ns" && on_exit "ip netns delete $ns"
ip -n "$ns" link add "rsti$$a" type veth peer name "rsti$$b"
expect_completion "complete_netns_ifaces" "$(echo lo "rsti$$a" "rsti$$b" | sorted)" ringscope gen tx --netns "$ns" -i ""
expect_completion "complete_netns_names" "$ns " ringscope gen tx --netns "rst-inst-$$"
# Every command's options, exactly what its --help lists (plus --help).
bad=
for c in $commands; do
	want=$(echo $(long_opts "$c") --help | sorted)
	got=$(complete_words ringscope "$c" --)
	[[ $got == "$want" ]] || bad+=" $c:[$got] want [$want]"
done
check "complete_every_command_options" "$bad" [ -z "$bad" ]

# uninstall removes every file it installed and ringscope's own directories,
# and nothing else.
if make -C "$repo" -s --no-print-directory uninstall PREFIX=$prefix DESTDIR="$root" >"$tmp/uninstall.log" 2>&1; then
	pass "make_uninstall"
else
	fail "make_uninstall" "$(tail -5 "$tmp/uninstall.log" | tr '\n' ' ')"
fi
got=$(files_in "$root")
check "uninstall_leaves_only_others" "left: $(echo $got)" [ "$got" = "$others" ]
check "uninstall_removes_data_dir" "$(ls -R "$root$prefix/share/ringscope" 2>&1 | head -3)" \
	[ ! -e "$root$prefix/share/ringscope" ]
make -C "$repo" -s --no-print-directory uninstall PREFIX=/opt/rs DESTDIR="$tmp/opt" >/dev/null 2>&1
check "uninstall_prefix" "left: $(files_in "$tmp/opt" | tr '\n' ' ')" [ -z "$(files_in "$tmp/opt")" ]
finish
