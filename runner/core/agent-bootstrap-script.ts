/**
 * The START_SCRIPT of a Coin VM template (docs/opennebula.md, "The VM image"): one-context runs
 * it at boot as root, from the context CD-ROM, with the CONTEXT exported and $CONTEXT_FILE set.
 * It carries the standalone bootstrap (build/out/runner/agent-bootstrap.cjs) inline, because an
 * ordinary OpenNebula account may not send CONTEXT/FILES; it finds a Node 20+ the image has,
 * writes the bootstrap to the agent's directory and starts it in the background (one-context
 * waits for its START_SCRIPT; its service stays active, RemainAfterExit, so the agent lives on).
 * The bootstrap then downloads the instance's own agent. Pure.
 */

/** Where the script keeps the bootstrap, the agent, its work areas and its log, unless told. */
export const defaultAgentDir = '/var/lib/coin-agent';

/** The heredoc's end marker: a line the bundled JavaScript never holds. */
const endMarker = 'COIN_AGENT_BOOTSTRAP_END';

/** Places a Node may be in an image, after $COIN_NODE and the PATH. */
const nodePlaces = ['/usr/local/bin/node', '/usr/bin/node', '/usr/bin/nodejs', '/opt/node/bin/node'];

/** The START_SCRIPT text for `bootstrapProgram` (the bundled bootstrap's JavaScript). */
export function agentStartScript(bootstrapProgram: string, agentDir = defaultAgentDir): string {
  if (bootstrapProgram.split('\n').includes(endMarker))
    throw new Error(`the bootstrap program holds the line ${endMarker}`);
  if (!/^\/[\w./-]*$/.test(agentDir)) throw new Error(`not an absolute directory: '${agentDir}'`);
  const body = bootstrapProgram.endsWith('\n') ? bootstrapProgram : `${bootstrapProgram}\n`;
  return `#!/bin/sh
# Coin agent (coin agent-bootstrap --start-script): started by one-context at boot, it runs the
# bootstrap that downloads this VM's agent from the Coin instance in COIN_MASTER_URL.
dir="\${COIN_AGENT_DIR:-${agentDir}}"
node=""
for candidate in "\${COIN_NODE:-}" "$(command -v node 2>/dev/null)" ${nodePlaces.join(' ')}; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if "$candidate" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    node="$candidate"
    break
  fi
done
if [ -z "$node" ]; then
  echo "coin agent-bootstrap: this image has no Node.js 20 or newer (looked at \\$COIN_NODE, PATH, ${nodePlaces.join(', ')}); install one" >&2
  exit 1
fi
mkdir -p "$dir" && chmod 700 "$dir" || exit 1
cat > "$dir/agent-bootstrap.cjs" <<'${endMarker}'
${body}${endMarker}
context="\${CONTEXT_FILE:-}"
nohup "$node" "$dir/agent-bootstrap.cjs" --work-root "$dir" \${context:+--context-file "$context"} \\
  >> "$dir/agent.log" 2>&1 < /dev/null &
echo "coin agent-bootstrap: started with $node (pid $!, log $dir/agent.log)"
`;
}
