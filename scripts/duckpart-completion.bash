# bash completion for duckpart. The commands and each command's options are read from the
# installed binary's own help when completing, so they never drift from it.
_duckpart() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local cmd=${COMP_WORDS[1]}
  if [[ $COMP_CWORD -eq 1 ]]; then
    local commands
    commands=$(duckpart --help 2>/dev/null | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}')
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  if [[ $cmd == help && $COMP_CWORD -eq 2 ]]; then
    COMPREPLY=($(compgen -W "$(duckpart --help 2>/dev/null | awk '/^Subcommands:/ {on = 1; next} on && !NF {exit} on {print $1}')" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    local options
    options=$(duckpart "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _duckpart duckpart
