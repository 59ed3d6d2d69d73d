"""Verdicts against issue 7's targets, and the Markdown the README shows."""

from statistics import median


def judge(results):
    rows = results["rows"]

    def mean_rps(kind):
        measured = [row["requests_per_second"] for row in rows if row["kind"] == kind]
        return sum(measured) / len(measured)

    # The run's means, for the JSON; the verdicts use the floors beside each row.
    results["bare_rps"], results["baseline_rps"] = mean_rps("bare"), mean_rps("baseline")
    # A floor row that lost requests measured nothing: it judges no row.
    floors = [number for number, row in enumerate(rows) if row["kind"] == "bare" and row["errors"] == 0]
    if not floors or not all(rows[floor]["requests_per_second"] > 0 for floor in floors):
        raise RuntimeError("The bare floor answered no request cleanly; there is nothing to judge the rows against.")
    for number, row in enumerate(rows):
        # Against the bare floor measured just before and just after the row (the mean of the
        # two): on a shared machine whose speed drifts, a row is judged by its own minutes.
        before = max((floor for floor in floors if floor <= number), default=floors[0])
        after = min((floor for floor in floors if floor >= number), default=floors[-1])
        row["floor_rps"] = (rows[before]["requests_per_second"] + rows[after]["requests_per_second"]) / 2
        row["ratio_bare"] = row["requests_per_second"] / row["floor_rps"]
        if row.get("rounds"):
            # A row with a target was measured in rounds, each beside its own floor (bench/run.py):
            # the median round decides, so one round a neighbour slowed cannot. floor_rps is then
            # the median floor, shown for reference: the ratio is not req/s over it.
            judged = [(rps, floor) for rps, floor in row["rounds"] if floor > 0]
            if not judged:
                raise RuntimeError(f"No floor beside {row['page']!r} answered cleanly; nothing to judge it against.")
            row["floor_rps"] = median(floor for _, floor in judged)
            row["ratio_bare"] = median(rps / floor for rps, floor in judged)
        # The full-stack baseline is measured first and last only; its mean evens out the drift.
        row["ratio_baseline"] = row["requests_per_second"] / results["baseline_rps"]
        if row["kind"] == "slowloris":
            # Readers who got no answer at all leave no latency behind: that fails too.
            passed = row["errors"] == 0 and row["requests"] > 0 and row["p99_ms"] <= row["target"]
        else:
            passed = row["errors"] == 0 and row["ratio_bare"] >= (row["target"] or 0)
        row["result"] = "" if row["target"] is None else ("PASS" if passed else "FAIL")
    admin = results["admin_queue"]
    admin["result"] = "PASS" if admin["p50_ms"] < admin["target_ms"] else "FAIL"
    transfer = results["transfer"]
    transfer["result"] = "PASS" if transfer["total_bytes"] < transfer["target_bytes"] else "FAIL"
    if "insights" in results:
        insights = results["insights"]
        insights["result"] = "PASS" if insights["p50_ms"] < insights["target_ms"] else "FAIL"


def round_seconds(duration, rounds):
    """Seconds of each paired round: --duration shared between the rounds, at least 2."""
    return max(2, -(-duration // rounds))


VIA = {"front": "nginx", "app": "gunicorn", "bare": "gunicorn"}


def target_text(row):
    if row["target"] is None:
        return ""
    if row["kind"] == "slowloris":
        return f"p99 ≤ {row['target']:.0f} ms"
    return f"≥ {row['target']:.2f}".rstrip("0").rstrip(".") + " × bare"


def markdown(results):
    machine, settings, dataset = results["machine"], results["settings"], results["dataset"]
    lines = [
        f"- Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB RAM; "
        f"Python {machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']}, "
        f"Redis cache, gunicorn 2 sync workers behind nginx {machine.get('nginx', '?')}, wrk {machine['wrk']}.",
        f"- Dataset: {dataset['approved']:,} approved, {dataset['pending']:,} pending and "
        f"{dataset['rejected']:,} rejected stories.",
        f"- Load: wrk {settings['threads']} threads, {settings['connections']} connections, "
        f"{settings['duration']} s per page after {settings['warmup']} s of warm-up"
        + (
            f" (rows with a target: {settings['rounds']} rounds of "
            f"{round_seconds(settings['duration'], settings['rounds'])} s, "
            "each after as long on the floor)"
            if settings.get("rounds")
            else ""
        )
        + ", on 127.0.0.1. "
        f"Load average before and after: {results['load_average_before']:.1f}, {results['load_average_after']:.1f}.",
        "",
        "| page | via | req/s | p50 ms | p99 ms | errors | × bare | × full stack | target | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in results["rows"]:
        name = row["page"] + (f" ({row['distinct_paths']:,} addresses)" if row.get("distinct_paths", 1) > 1 else "")
        ratio = f"{row['ratio_bare']:.2f}"
        if len(row.get("rounds") or ()) > 1:
            ratios = [rps / floor for rps, floor in row["rounds"] if floor > 0]
            ratio += f" ({min(ratios):.2f}–{max(ratios):.2f})"
        lines.append(
            f"| {name} | {VIA[row['via']]} | {row['requests_per_second']:,.0f} | {row['p50_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {row['errors']:,} | {ratio} | {row['ratio_baseline']:.2f} "
            f"| {target_text(row)} | {row['result']} |"
        )
    lines += [
        "",
        "via nginx: as production serves it (the front server, its one-second microcache, then gunicorn);",
        "via gunicorn: straight to the app server, so the app's own work shows (app-only rows).",
        "× bare: share of the bare Django floor (bench/bare/: one view, no middleware, same gunicorn). A row with a",
        f"target is measured in {settings.get('rounds', 1)} rounds, each the floor for a few seconds, then the row;",
        "its × bare is the median of the rounds' ratios (lowest and highest in brackets), and its req/s covers all",
        "its rounds, its p99 that of its slowest round. Other rows are set against the floor rows just before and",
        "after them.",
        "× full stack: share of the old baseline (three bytes through the site's whole middleware stack).",
        "The full-stack baseline through nginx is the most any page the caches miss can reach: such a page",
        "pays for nginx, the middleware stack and gunicorn as that row does, then for its own queries and HTML.",
        "errors: HTTP 4xx/5xx plus requests wrk gave up on (its timeout); a row with any fails. Every GET address",
        "is the one a browser ends on after redirects, so a healthy page answers 200 only.",
        "Rows marked uncached walk that many different addresses, so most requests miss both caches;",
        "issue 11 sets their targets for 1,000,000 stories.",
        "",
    ]
    for kind in ("bare", "baseline"):
        measured = [row["requests_per_second"] for row in results["rows"] if row["kind"] == kind]
        if (max(measured) - min(measured)) / max(measured) > 0.15:
            lines.append(
                f"- **Noisy run**: the {kind} floor ranged from {min(measured):,.0f} to {max(measured):,.0f} req/s, "
                "so something else was using the CPUs. Rerun on a quiet machine before trusting ratios near a target."
            )
    admin = results["admin_queue"]
    lines.append(
        f"- Admin moderation queue, one request at a time ({admin['count']} requests): "
        f"p50 {admin['p50_ms']:.0f} ms, max {admin['max_ms']:.0f} ms (target < {admin['target_ms']} ms): "
        f"**{admin['result']}**"
        + ("" if dataset["approved"] >= 1_000_000 else " (the issue sets it for 1,000,000 stories)")
    )
    if "insights" in results:
        insights = results["insights"]
        lines.append(
            f"- Story insights page on a cache miss, its view in-process, one at a time ({insights['count']} "
            f"requests, {insights['queries']} queries each): p50 {insights['p50_ms']:.0f} ms, max "
            f"{insights['max_ms']:.0f} ms (target < {insights['target_ms']} ms at 1,000,000 stories): "
            f"**{insights['result']}**"
        )
    transfer = results["transfer"]
    html = transfer["files"][0]
    sent = "uncompressed" if html["encoding"] == "identity" else html["encoding"]
    lines.append(
        f"- Heaviest article page transfer, HTML + CSS + JS as a browser gets them: "
        f"{transfer['total_bytes'] / 1024:.1f} KB (target < {transfer['target_bytes'] // 1024} KB): "
        f"**{transfer['result']}**. The HTML is sent {sent} ({html['bytes'] / 1024:.1f} KB; "
        f"{transfer['html_uncompressed_bytes'] / 1024:.1f} KB uncompressed); "
        f"{transfer['scripts']} script(s) on the page."
    )
    if "search" in results:
        from bench import search

        lines.append(search.markdown(results["search"]))
    for row in results["rows"]:
        if row["kind"] == "post":
            statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(row["statuses"].items()))
            lines.append(
                f"- Share form POST answers: {statuses}. STORY_RATE_LIMIT was {results['story_rate_limit']:,} an "
                "hour (production: 5), so 302 is a real submission and 429 the rate-limit page; "
                "the stories it created were deleted afterwards."
            )
    return "\n".join(lines)
