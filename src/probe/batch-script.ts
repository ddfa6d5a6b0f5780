/**
 * One exec per source pod per round: a constant POSIX sh script (it runs under dash, bash and busybox ash)
 * that starts every probe it is given in the background, so denied probes wait out their timeouts together,
 * and prints one parseable line per probe. Targets travel as arguments ("$@"), never inside the script text.
 *
 * Arguments: five per probe: id, kind (tcp|udp|sctp|dns), target, connect timeout in seconds (decimal), and a
 * whole-probe limit in whole seconds (curl --max-time; nslookup -timeout).
 *
 * Output: `NPE2E-RESULT<TAB>id<TAB>exit code<TAB>stdout<TAB>stderr` per probe (stdout and stderr flattened to
 * one line, at most 500 characters each), then `NPE2E-DONE`.
 */
import type { ProbeRaw, ProbeRequest } from './probe-request.js';

export const RESULT_PREFIX = 'NPE2E-RESULT';
export const DONE_MARKER = 'NPE2E-DONE';
export const ARGS_PER_PROBE = 5;

export const BATCH_SCRIPT = `d=$(mktemp -d 2>/dev/null) || { d=/tmp/npe2e.$$; mkdir -p "$d"; }
oneline() { tr '\\r\\n\\t' '   ' <"$1" | cut -c1-500; }
probe() {
  id=$1 kind=$2 target=$3 t=$4 limit=$5
  case "$kind" in
    tcp) curl -sS -o /dev/null -w '%{http_code}' --connect-timeout "$t" --max-time "$limit" "http://$target/" >"$d/$id.out" 2>"$d/$id.err" ;;
    udp|sctp) /agnhost connect "$target" --protocol="$kind" --timeout="$t"s >"$d/$id.out" 2>"$d/$id.err" ;;
    dns) nslookup -timeout="$limit" -retry=1 "$target" >"$d/$id.out" 2>"$d/$id.err" ;;
    *) echo "unknown probe kind: $kind" >"$d/$id.err"; false ;;
  esac
  rc=$?
  printf '${RESULT_PREFIX}\\t%s\\t%s\\t%s\\t%s\\n' "$id" "$rc" "$(oneline "$d/$id.out")" "$(oneline "$d/$id.err")"
}
while [ "$#" -ge ${ARGS_PER_PROBE} ]; do
  probe "$1" "$2" "$3" "$4" "$5" &
  shift ${ARGS_PER_PROBE}
done
wait
rm -rf "$d"
echo ${DONE_MARKER}`;

/** Name the script runs under ($0), visible in `ps` inside the pod. */
export const SCRIPT_NAME = 'netpol-e2e-probe';

const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;
const SAFE_TARGET = /^[A-Za-z0-9_.:[\]-]{1,253}$/;

/** The exec argv for a batch of probes. Throws on an id or target that could not travel safely. */
export function buildBatchArgv(requests: readonly ProbeRequest[]): string[] {
  const ids = new Set<string>();
  const args: string[] = [];
  for (const request of requests) {
    if (!SAFE_ID.test(request.id)) throw new Error(`internal error: probe id ${JSON.stringify(request.id)} has unsafe characters`);
    if (ids.has(request.id)) throw new Error(`internal error: probe id ${request.id} appears twice in one batch`);
    ids.add(request.id);
    if (!SAFE_TARGET.test(request.target) || request.target.startsWith('-')) {
      throw new Error(`internal error: probe target ${JSON.stringify(request.target)} is not a host:port or DNS name`);
    }
    if (!(request.timeoutMs > 0)) throw new Error(`internal error: probe ${request.id} has timeout ${request.timeoutMs} ms`);
    args.push(request.id, request.kind, request.target, formatSeconds(request.timeoutMs), String(limitSeconds(request)));
  }
  return ['/bin/sh', '-c', BATCH_SCRIPT, SCRIPT_NAME, ...args];
}

/** The longest a probe may take, which bounds the exec around its batch. */
export function probeLimitMs(request: ProbeRequest): number {
  return limitSeconds(request) * 1000;
}

function limitSeconds(request: ProbeRequest): number {
  const seconds = Math.ceil(request.timeoutMs / 1000);
  // curl's limit covers connect plus the HTTP exchange; nslookup's -timeout is per try (two tries)
  return request.kind === 'dns' ? seconds : seconds + 2;
}

function formatSeconds(ms: number): string {
  return (Math.round(ms) / 1000).toFixed(3).replace(/\.?0+$/, '');
}

export interface ParsedBatch {
  /** One entry per probe that reported. */
  results: Map<string, ProbeRaw & { stdout: string; stderr: string }>;
  /** Whether the script reached its end (every probe it started has reported). */
  complete: boolean;
  /** Lines that were neither results nor the end marker (should be none). */
  stray: string[];
}

export function parseBatchOutput(stdout: string): ParsedBatch {
  const results = new Map<string, ProbeRaw & { stdout: string; stderr: string }>();
  const stray: string[] = [];
  let complete = false;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line === DONE_MARKER) {
      complete = true;
      continue;
    }
    const fields = line.split('\t');
    const [prefix, id, code, out = '', err = ''] = fields;
    if (prefix !== RESULT_PREFIX || id === undefined || code === undefined || !/^\d+$/.test(code) || fields.length > 5) {
      stray.push(line);
      continue;
    }
    const stdoutText = out.trim();
    const stderrText = err.trim();
    results.set(id, {
      id,
      exitCode: Number(code),
      evidence: [stdoutText, stderrText].filter(Boolean).join(' | '),
      stdout: stdoutText,
      stderr: stderrText,
    });
  }
  return { results, complete, stray };
}
