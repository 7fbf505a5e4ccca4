# bash completion for ringscope(8): commands, options, option values, presets,
# interface and namespace names. Installed as
# share/bash-completion/completions/ringscope; needs no bash-completion package.
#
# Commands and options are read from the binary's own --help, which prints the
# command table (user/cli/main.c) and each command's option table (user/cli/opts.c):
# the completion cannot drift from the CLI. man/gen-man.sh reads the options
# through the same functions.

# _ringscope_commands BIN: one "NAME<TAB>HELP" line per command.
_ringscope_commands()
{
	local line
	"$1" --help 2>/dev/null | while IFS= read -r line; do
		[[ $line =~ ^\ \ ([a-z][a-z0-9-]*)\ +(.*)$ ]] && printf '%s\t%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	done
}

# _ringscope_options BIN CMD: one "SHORT<TAB>LONG<TAB>ARG<TAB>HELP" line per
# option of CMD (SHORT and ARG are "-" when there is none).
_ringscope_options()
{
	"$1" "$2" --help 2>/dev/null | _ringscope_parse_options
}

# The same from a command's --help text on stdin. opts_help() prints
# "  %-30s %s" with the left column "-s, --long ARG" or "   --long ARG": while
# that column is shorter than 30, a flag's help is at least 2 spaces away, so
# a single space after --long means an argument follows.
_ringscope_parse_options()
{
	local line rest short name arg
	while IFS= read -r line; do
		[[ $line =~ ^\ \ (-([[:alnum:]]),\ |\ \ \ )--([[:alnum:]][[:alnum:]-]*)(.*)$ ]] || continue
		short=${BASH_REMATCH[2]:--} name=${BASH_REMATCH[3]} rest=${BASH_REMATCH[4]} arg=-
		if [[ $rest =~ ^\ ([^ ]+)(.*)$ ]] && ((${#line} - ${#rest} - 2 < 30)); then
			arg=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
		fi
		rest=${rest#"${rest%%[! ]*}"}
		printf '%s\t%s\t%s\t%s\n' "$short" "$name" "$arg" "$rest"
	done
}

# _ringscope_usage BIN CMD: the command's usage line, without "usage: ".
_ringscope_usage()
{
	"$1" "$2" --help 2>/dev/null | sed -n '1s/^usage: //p'
}

_ringscope()
{
	local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= netns= word i
	local short name arg help opt_name= opt_arg= opt_help= positional=0 choices cmd_help
	local -a opts=()

	COMPREPLY=()
	((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--bind=co": bash splits at '=' (COMP_WORDBREAKS).
	if [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$(_ringscope_commands "$bin" | cut -f1) --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	cmd_help=$("$bin" "$cmd" --help 2>/dev/null) || return 0	# not a command
	while IFS=$'\t' read -r short name arg help; do
		opts+=("--$name")
		[[ $short != - ]] && opts+=("-$short")
		if [[ $prev == "--$name" || ($short != - && $prev == "-$short") ]]; then
			opt_name=$name opt_arg=$arg opt_help=$help
		fi
	done < <(_ringscope_parse_options <<<"$cmd_help")
	for ((i = 2; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		[[ $word == --netns && $((i + 1)) -lt $COMP_CWORD ]] && netns=${COMP_WORDS[i + 1]}
	done

	if [[ $opt_arg && $opt_arg != - ]]; then
		case $opt_arg in
		IFACE)
			if [[ $netns ]]; then
				choices=$(ip -n "$netns" -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')
			else
				choices=$(ls /sys/class/net 2>/dev/null)
			fi
			COMPREPLY=($(compgen -W "$choices" -- "$cur"))
			;;
		PATH | FILE)	# --metrics-file, compare -a/-b/--aa/--ab-json
			COMPREPLY=($(compgen -f -- "$cur"))
			;;
		*[a-z],[a-z]*)	# an OPT_CHOICE: the table prints its words, "copy,zc,auto"
			COMPREPLY=($(compgen -W "${opt_arg//,/ }" -- "$cur"))
			;;
		*)
			if [[ $opt_name == netns ]]; then
				COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur"))
			elif [[ $opt_name == preset ]]; then
				# A comma list of presets; their names are the option's help
				# text, up to a parenthesised note.
				local done_part= names=${opt_help%% (*}
				[[ $cur == *,* ]] && done_part=${cur%,*},
				COMPREPLY=($(compgen -P "$done_part" -W "${names//,/ }" -- "${cur##*,}"))
			elif [[ $opt_name == path ]]; then
				# Path names: the help text after "data path: ", up to its note.
				local names=${opt_help##*data path: }
				names=${names%% (*}
				COMPREPLY=($(compgen -W "${names//,/ }" -- "$cur"))
			fi
			;;
		esac
		return 0
	fi

	if [[ $cur != -* ]]; then
		# Positional words of the usage line, e.g. "ringscope gen tx|rx|fwd ...".
		choices=$(sed -n '1s/^usage: //p' <<<"$cmd_help" | awk '{ for (i = 3; i <= NF; i++) if ($i ~ /^[a-z]+(\|[a-z]+)+$/) { gsub(/\|/, " ", $i); print $i; exit } }')
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ " $choices " == *" ${COMP_WORDS[i]} "* ]] && positional=1
		done
		if [[ $choices && $positional == 0 ]]; then
			COMPREPLY=($(compgen -W "$choices" -- "$cur"))
			return 0
		fi
	fi
	COMPREPLY=($(compgen -W "${opts[*]} --help" -- "$cur"))
	return 0
}

complete -F _ringscope ringscope
