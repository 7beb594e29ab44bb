# shellcheck shell=bash disable=SC2034,SC2153
# Measuring and reporting, shared by bench/run.sh and bench/mapping.sh
# (sourced after bench/lib.sh, not run).
#
# The sourcing script sets DURATION WARMUP ROUNDS, TITLE (the report's
# heading), BASELINE (case => its baseline case) and TARGET (case =>
# minimum percentage of its baseline; cases without one are reported
# without a verdict), and ORDER (the cases in the order a round runs them:
# each case right after its baseline).
#
# Functions: run_rounds (all rounds; fills RPS P50 P99 CPU ERRS),
#       check_logs, report (the Markdown table and the target lines: the
#       header lines of report_header, report_table, report_targets),
#       write_results FILE TEXT (the text and the raw wrk output),
#       median, pct, to_us, fmt_ms


# --- measuring ----------------------------------------------------------------

# wrk prints times as 850.00us, 1.23ms, 1.01s, 1.00m: to microseconds
to_us() {
    awk -v t="$1" 'BEGIN {
        n = t + 0; u = t; sub(/^[0-9.]+/, "", u);
        f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 \
          : (u == "m") ? 60000000 : (u == "h") ? 3600000000 : -1;
        if (f < 0) { print "nan"; exit }
        printf "%.0f\n", n * f }'
}

fmt_ms() {
    awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'
}

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio in percent of two numbers, one decimal
pct() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'
}

declare -A RPS P50 P99 CPU ERRS

# run one case: warm-up, then the measured run; results into the arrays
run_case() {
    local c=$1 round=$2 log rps p50 p99 non2xx sockerr cpu0 cpu1 reqs cpu
    log=$RAW/$round-$c.txt

    wrk_case "$c" -t"$THREADS" -c"$CONNS" -d"$WARMUP" > /dev/null
    if declare -F case_started > /dev/null; then
        case_started "$c"
    fi
    cpu0=$(cpu_ns)
    wrk_case "$c" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency > "$log"
    cpu1=$(cpu_ns)

    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
    p50=$(awk '/^ +50% / { print $2 }' "$log")
    p99=$(awk '/^ +99% / { print $2 }' "$log")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$log")
    sockerr=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' \
              "$log")

    reqs=$(awk '/ requests in / { print $1 }' "$log")
    if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ] || [ -z "$reqs" ]; then
        die "case $c: could not parse wrk output:
$(cat "$log")"
    fi

    # gateway worker CPU per request, in microseconds: how much work one
    # request costs, whatever else the box was doing meanwhile
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$reqs" \
          'BEGIN { printf "%.2f", (n > 0 ? (b - a) / n / 1000 : 0) }')

    RPS[$c]+="$rps "
    CPU[$c]+="$cpu "
    P50[$c]+="$(to_us "$p50") "
    P99[$c]+="$(to_us "$p99") "
    if [ -n "$non2xx" ] || [ -n "$sockerr" ]; then
        ERRS[$c]+="round $round: ${non2xx:+non-2xx $non2xx }${sockerr:+socket errors $sockerr}; "
    fi

    printf '  round %d  %-15s %9s req/s  p50 %-9s p99 %-9s %8s us CPU/req\n' \
        "$round" "$c" "$rps" "$p50" "$p99" "$cpu"

    if declare -F case_finished > /dev/null; then
        case_finished "$c" "$round"
    fi
}

# all rounds of the cases in ORDER; every other round runs the list
# backwards, so each case is as often first as second, early as late.
# Sets started, load_before/after, foreign_before/during.
run_rounds() {
    local round i snap snap_start order

    mkdir -p "$RAW"
    started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)

    # is the machine quiet? what other processes use, over one second
    snap=$(cpu_snapshot); sleep 1
    foreign_before=$(foreign_cpu "$snap" "$(cpu_snapshot)")
    if [ "$foreign_before" -ge 20 ]; then
        echo "bench: WARNING: other processes use ${foreign_before}% of a" \
             "CPU; the numbers will be noisy" >&2
    fi

    echo "bench: wrk -t$THREADS -c$CONNS -d$DURATION --latency" \
         "(warm-up $WARMUP), $ROUNDS rounds, cases: ${ORDER[*]}"
    echo "bench: gateway :$GW_PORT/:$BARE_PORT, backend :$BACKEND_PORT," \
         "servroot $SERVROOT, load average $load_before," \
         "other processes ${foreign_before}% CPU"

    snap_start=$(cpu_snapshot)

    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) = 1 ]; then
            order=("${ORDER[@]}")
        else
            order=()
            for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do
                order+=("${ORDER[$i]}")
            done
        fi
        for c in "${order[@]}"; do
            run_case "$c" "$round"
        done
    done

    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    foreign_during=$(foreign_cpu "$snap_start" "$(cpu_snapshot)")
}


# --- report ----------------------------------------------------------------

# warnings in the two error logs, to stderr; "warn" lines kept in LOG_WARNINGS
check_logs() {
    local f
    LOG_WARNINGS=
    for f in "$SERVROOT"/*/logs/error.log; do
        if grep -q '\[\(warn\|error\|crit\|alert\|emerg\)\]' "$f"; then
            echo "bench: warnings in $f:" >&2
            grep '\[\(warn\|error\|crit\|alert\|emerg\)\]' "$f" | tail -5 >&2
            LOG_WARNINGS+="$(basename "$(dirname "$(dirname "$f")")"): $(
                grep -c '\[\(warn\|error\|crit\|alert\|emerg\)\]' "$f") "
        fi
    done
}

# the header lines, the table and the target lines, in Markdown
report() {
    report_header
    echo
    report_table
    echo
    report_targets
}

# the title and what ran where; LOAD_DESC, when set, replaces the
# description of the wrk runs
report_header() {
    local model
    model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

    echo "# $TITLE"
    echo
    echo "- date: $started"
    echo "- machine: $(nproc) CPUs${model:+, $model}; $(uname -sr)"
    echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')," \
         "gateway and backend 1 worker each" \
         "$(case $PIN in
                2) echo '(BENCH_PIN=2: gateway on CPU 0; backend, wrk on CPU 1)' ;;
                1) echo '(BENCH_PIN=1: gateway on CPU 0, backend on CPU 1)' ;;
                *) echo '(BENCH_PIN=0: not pinned)' ;;
            esac)"
    echo "- module: ${MODULE#"$TOP"/} (sha256 $MODULE_SUM...)"
    if [ -n "${LOAD_DESC:-}" ]; then
        echo "- load: $LOAD_DESC"
    else
        echo "- load: \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\`" \
             "after a $WARMUP warm-up, per case;" \
             "$ROUNDS rounds, each case next to its baseline, medians shown"
    fi
    echo "- load average before/after: $load_before / $load_after;" \
         "CPU used by other processes: ${foreign_before}% of one CPU" \
         "just before, ${foreign_during}% on average during the run" \
         "$([ "$foreign_during" -ge 20 ] && echo '(**noisy run**)')"
}

# the table of CASES: medians, ratio to the baseline, CPU/req, rounds
report_table() {
    local c base rps cpu pr rounds
    echo "| case | req/s (median) | p50 | p99 | % of its baseline" \
         "| gateway CPU/req | req/s per round |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for c in "${CASES[@]}"; do
        # shellcheck disable=SC2086
        rps=$(median ${RPS[$c]})
        # shellcheck disable=SC2086
        cpu=$(median ${CPU[$c]})
        base=${BASELINE[$c]:-}
        if [ -n "$base" ] && [ -n "${RPS[$base]:-}" ]; then
            # shellcheck disable=SC2086
            pr="$(pct "$rps" "$(median ${RPS[$base]})")%"
        else
            pr="(baseline)"
        fi
        rounds=${RPS[$c]% }
        # shellcheck disable=SC2086
        printf '| %s | %.0f | %s | %s | %s | %s us | %s |\n' "${LABEL[$c]}" \
            "$rps" "$(fmt_ms "$(median ${P50[$c]})")" \
            "$(fmt_ms "$(median ${P99[$c]})")" "$pr" "$cpu" \
            "${rounds// /, }"
    done
}

# a line per case with a baseline: the ratio, PASS/MISS against TARGET;
# then errors wrk saw and warnings in the error logs
report_targets() {
    local c base pr pc verdict pairs best
    echo "Targets (req/s medians; the CPU ratio is the baseline's gateway" \
         "CPU per request over the case's, the throughput the case would" \
         "reach if the gateway worker were the only bottleneck):"
    echo
    for c in "${CASES[@]}"; do
        base=${BASELINE[$c]:-}
        if [ -z "$base" ] || [ -z "${RPS[$c]:-}" ] \
           || [ -z "${RPS[$base]:-}" ]
        then
            continue
        fi
        # shellcheck disable=SC2086
        pr=$(pct "$(median ${RPS[$c]})" "$(median ${RPS[$base]})")
        # shellcheck disable=SC2086
        pc=$(pct "$(median ${CPU[$base]})" "$(median ${CPU[$c]})")
        if [ -n "${TARGET[$c]:-}" ]; then
            verdict=$(awk -v p="$pr" -v t="${TARGET[$c]}" \
                      'BEGIN { print (p >= t) ? "PASS" : "MISS" }')
        else
            verdict="no target"
        fi
        # the same ratio within each round, where the two ran side by side
        pairs=$(awk -v a="${RPS[$c]}" -v b="${RPS[$base]}" 'BEGIN {
            n = split(a, x, " "); split(b, y, " ");
            for (i = 1; i <= n; i++)
                printf "%s%.0f%%", (i > 1 ? ", " : ""), 100 * x[i] / y[i] }')
        # best round against best round: disturbances only ever subtract
        best=$(awk -v a="${RPS[$c]}" -v b="${RPS[$base]}" 'BEGIN {
            n = split(a, x, " "); split(b, y, " "); p = q = 0;
            for (i = 1; i <= n; i++) {
                if (x[i] > p) p = x[i];
                if (y[i] > q) q = y[i];
            }
            printf "%.1f", (q > 0 ? 100 * p / q : 0) }')
        echo "- $verdict: ${LABEL[$c]} at $pr% of" \
             "${LABEL[$base]}${TARGET[$c]:+ (target >= ${TARGET[$c]}%)};" \
             "per round: $pairs; best round vs best round: $best%;" \
             "CPU ratio $pc%"
    done
    for c in "${CASES[@]}"; do
        if [ -n "${ERRS[$c]:-}" ]; then
            echo "- errors in ${LABEL[$c]}: ${ERRS[$c]}"
        fi
    done
    if [ -n "${LOG_WARNINGS:-}" ]; then
        echo "- warnings in the error logs (lines): $LOG_WARNINGS"
    fi
    return 0
}

# the report and, after it, the raw wrk output of every run
write_results() {
    local file=$1 text=$2 f
    mkdir -p "$(dirname "$file")"
    {
        echo "$text"
        echo
        echo "## raw wrk output"
        for f in "$RAW"/*.txt; do
            echo
            echo "### $(basename "$f" .txt)"
            echo
            echo '```'
            cat "$f"
            echo '```'
        done
    } > "$file"
    echo
    echo "bench: written to ${file#"$TOP"/}"
}
