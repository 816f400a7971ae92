# bash completion for kpipe. Options are asked of kpipe itself
# (`kpipe COMMAND --help`), so they never drift from the program.
_kpipe()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "extract text check diff figure ingest history export report --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $prev in
        --format)
            case $cmd in
                extract) COMPREPLY=($(compgen -W "json csv" -- "$cur")) ;;
                check) COMPREPLY=($(compgen -W "text json github sarif" -- "$cur")) ;;
                diff) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                history) COMPREPLY=($(compgen -W "text json csv" -- "$cur")) ;;
                export) COMPREPLY=($(compgen -W "csv jsonl" -- "$cur")) ;;
            esac
            return ;;
        --color | --ocr) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --ignore)
            COMPREPLY=($(compgen -W "$(kpipe check x --ignore '?' 2>&1 | sed -n 's/.*(the codes: \(.*\))/\1/p' | tr -d ,)" -- "$cur"))
            return ;;
        --rules | -d | --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -o | --output | --baseline | --password-file | --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -j | --jobs | --max-pages | --time-limit | --password | --goal | --kpi | --municipality) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(kpipe "$cmd" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _kpipe kpipe
