/**
 * One exec per source pod per round: a constant POSIX sh script (it runs under dash, bash and busybox ash)
 * that starts every probe it is given at once, so denied probes wait out their timeouts together, and, once
 * all have ended, prints what each one did. Targets travel as arguments ("$@"), never inside the script text.
 *
 * TCP probes are the transfers of one `curl --parallel` (curl >= 7.75, for %{exitcode} and %{errormsg}):
 * each transfer has its own connection, connect timeout and limit, and reports its own exit code, HTTP status
 * and error in a `-w` line tagged with the probe id. One curl process instead of one per probe: on a busy
 * node, starting 18 curls per pod in 9 pods at once cost about 0.4 s of every round (docs/live-runs.md).
 * UDP, SCTP and DNS probes cost one fork and their tool each. The report uses shell builtins only.
 *
 * Arguments: five per probe: id, kind (tcp|udp|sctp|dns), target, connect timeout in seconds (decimal), and a
 * whole-probe limit in whole seconds (curl --max-time; nslookup -timeout).
 *
 * Output, per probe, in argument order:
 *   NPE2E-RESULT<TAB>id<TAB>exit code
 *   NPE2E-STDOUT
 *   ...the tool's stdout...
 *   NPE2E-STDERR
 *   ...its stderr...
 *   NPE2E-END
 * then `NPE2E-DONE`. A probe whose exit code could not be recorded reports `-` instead of a number.
 */
import type { ProbeRaw, ProbeRequest } from './probe-request.js';

export const RESULT_PREFIX = 'NPE2E-RESULT';
export const STDOUT_MARKER = 'NPE2E-STDOUT';
export const STDERR_MARKER = 'NPE2E-STDERR';
export const END_MARKER = 'NPE2E-END';
export const DONE_MARKER = 'NPE2E-DONE';
export const ARGS_PER_PROBE = 5;

export const BATCH_SCRIPT = `d=$(mktemp -d 2>/dev/null) || { d=/tmp/npe2e.$$; mkdir -p "$d"; }
probe() {
  case "$2" in
    udp|sctp) /agnhost connect "$3" --protocol="$2" --timeout="$4"s ;;
    dns) nslookup -timeout="$5" -retry=1 "$3" ;;
    *) echo "unknown probe kind: $2" >&2; false ;;
  esac >"$d/$1.out" 2>"$d/$1.err"
  echo "$?" >"$d/$1.rc"
}
dump() { while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done <"$1"; }
tab=$(printf '\t')
ids=
tcp=
rest=$(($# % ${ARGS_PER_PROBE}))
n=$(($# / ${ARGS_PER_PROBE}))
while [ "$n" -gt 0 ]; do
  ids="$ids $1"
  if [ "$2" = tcp ]; then
    [ -n "$tcp" ] && set -- "$@" --next
    set -- "$@" -g -o /dev/null -w "$1\\t%{exitcode}\\t%{http_code}\\t%{errormsg}\\n" --connect-timeout "$4" --max-time "$5" "http://$3/"
    tcp="$tcp $1"
  else
    probe "$1" "$2" "$3" "$4" "$5" &
  fi
  shift ${ARGS_PER_PROBE}
  n=$((n - 1))
done
shift "$rest"
if [ -n "$tcp" ]; then
  { curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max 300 "$@" >"$d/tcp.out" 2>"$d/tcp.err"; echo "$?" >"$d/tcp.rc"; } &
fi
wait
if [ -n "$tcp" ]; then
  while IFS="$tab" read -r id rc code msg; do
    case " $tcp " in *" $id "*) ;; *) continue ;; esac
    printf '%s\n' "$code" >"$d/$id.out"
    if [ "$rc" = 0 ]; then : >"$d/$id.err"; else printf 'curl: (%s) %s\n' "$rc" "$msg" >"$d/$id.err"; fi
    printf '%s\n' "$rc" >"$d/$id.rc"
  done <"$d/tcp.out"
  for id in $tcp; do
    [ -f "$d/$id.rc" ] && continue
    rc=-; [ -f "$d/tcp.rc" ] && read -r rc <"$d/tcp.rc"
    echo "curl exited $rc without reporting every probe:" >&2
    dump "$d/tcp.err" >&2
    break
  done
fi
for id in $ids; do
  rc=-
  [ -f "$d/$id.rc" ] && read -r rc <"$d/$id.rc"
  printf '${RESULT_PREFIX}\t%s\t%s\n${STDOUT_MARKER}\n' "$id" "$rc"
  [ -f "$d/$id.out" ] && dump "$d/$id.out"
  printf '${STDERR_MARKER}\n'
  [ -f "$d/$id.err" ] && dump "$d/$id.err"
  printf '${END_MARKER}\n'
done
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
  /** Lines outside any probe's report (should be none). */
  stray: string[];
}

/** Longest stdout or stderr kept per probe (for evidence; classification needs far less). */
const MAX_TEXT = 2000;

export function parseBatchOutput(stdout: string): ParsedBatch {
  const results = new Map<string, ProbeRaw & { stdout: string; stderr: string }>();
  const stray: string[] = [];
  let complete = false;
  let current: { id: string; code: string; out: string[]; err: string[]; section: 'head' | 'out' | 'err' } | undefined;
  const finish = (): void => {
    if (!current) return;
    const { id, code, out, err } = current;
    current = undefined;
    if (!/^\d+$/.test(code)) return; // no exit code recorded: the probe did not finish
    const stdoutText = out.join('\n').trim().slice(0, MAX_TEXT);
    const stderrText = err.join('\n').trim().slice(0, MAX_TEXT);
    const evidence = [stdoutText, stderrText].filter(Boolean).join(' | ').replace(/\s+/g, ' ');
    results.set(id, { id, exitCode: Number(code), evidence, stdout: stdoutText, stderr: stderrText });
  };
  for (const line of stdout.split('\n')) {
    if (current) {
      if (line === END_MARKER) finish();
      else if (line === STDOUT_MARKER && current.section === 'head') current.section = 'out';
      else if (line === STDERR_MARKER && current.section !== 'err') current.section = 'err';
      else if (current.section === 'out') current.out.push(line);
      else if (current.section === 'err') current.err.push(line);
      else stray.push(line);
      continue;
    }
    if (line === '') continue;
    if (line === DONE_MARKER) {
      complete = true;
      continue;
    }
    const fields = line.split('\t');
    if (fields.length === 3 && fields[0] === RESULT_PREFIX && fields[1]) {
      current = { id: fields[1], code: fields[2] as string, out: [], err: [], section: 'head' };
      continue;
    }
    stray.push(line);
  }
  if (current) stray.push(`${RESULT_PREFIX} ${current.id}: report cut off`);
  return { results, complete, stray };
}
