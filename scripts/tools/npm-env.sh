# Sourced by the scripts that run npm inside `npm run demo` / `npm test`.
#
# Under `npm run`, npm exports its own identity and this project's settings into the environment:
# npm_config_user_agent ("npm/… node/v20…"), npm_config_nodedir, npm_config_loglevel,
# npm_config_local_prefix, npm_package_*, npm_lifecycle_*, ... A nested `npm install` of another
# package inherits them, and its install scripts then see the outer Node version (code-server's
# refuses to install: "requires node v24") and the outer project. Drop what describes the outer
# npm process; keep the user's own npm_config_* (registry, proxy, cache, cafile, ...).
for _var in $(compgen -e); do
  case "$_var" in
    npm_config_user_agent|npm_config_npm_version|npm_config_node_gyp|npm_config_local_prefix|\
    npm_config_loglevel|npm_config_nodedir|npm_config_prefix|npm_config_global_prefix|\
    npm_node_execpath|npm_execpath|npm_command|npm_lifecycle_*|npm_package_*|INIT_CWD|NODE)
      unset "$_var" ;;
  esac
done
unset _var
