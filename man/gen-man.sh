#!/usr/bin/env bash
# man/gen-man.sh BIN SOURCE: print the scdoc source of ringscope(8): SOURCE
# with @VERSION@ and each "@options COMMAND@" line filled in from BIN's own
# --help (the command table and each command's option table), read through the
# same parser as the bash completion. Fails when SOURCE and BIN disagree on the
# list of commands, so the page cannot silently miss one.
set -euo pipefail
bin=$1 src=$2
source "$(dirname "$0")/../completion/ringscope.bash"

# scdoc markup in text that comes from --help: *bold*, _underline_, \escape,
# and a leading "-", which scdoc would take for a list item ("--path X: ...").
esc() { local s=${1//\\/\\\\}; s=${s//\*/\\*}; s=${s//_/\\_}; [[ $s == -* ]] && s="\\$s"; printf '%s' "$s"; }

commands=$(_ringscope_commands "$bin" | cut -f1 | sort)
sections=$(sed -n 's/^@options \(.*\)@$/\1/p' "$src" | sort)
[[ $commands ]] || { echo "gen-man.sh: '$bin --help' lists no commands: build ringscope first" >&2; exit 1; }
if [[ $commands != "$sections" ]]; then
	echo "gen-man.sh: $src and '$bin --help' disagree on the commands: give every command a section with an '@options COMMAND@' line:" >&2
	diff <(echo "$commands") <(echo "$sections") | sed -n 's/^</  only in --help:/p; s/^>/  only in the page:/p' >&2
	exit 1
fi
version=$("$bin" --version | head -n 1)
version=${version%% (*}	# "ringscope 0.1.0": the page footer has no room for git describe

while IFS= read -r line; do
	if [[ $line =~ ^@options\ (.*)@$ ]]; then
		cmd=${BASH_REMATCH[1]} n=0
		# A literal block: scdoc escapes it for roff, groff neither fills nor hyphenates it.
		printf '```\n%s\n```\n\n' "$(_ringscope_usage "$bin" "$cmd")"
		while IFS=$'\t' read -r short name arg help; do
			out=
			[[ $short != - ]] && out="*-$(esc "$short")*, "
			out+="*--$(esc "$name")*"
			[[ $arg != - ]] && out+=" _$(esc "$arg")_"
			printf '%s\n\t%s\n\n' "$out" "$(esc "$help")"
			n=$((n + 1))
		done < <(_ringscope_options "$bin" "$cmd")
		((n)) || printf 'No options.\n\n'
	else
		printf '%s\n' "${line//@VERSION@/$version}"
	fi
done < "$src"
