"""`make bench`'s verdicts (bench/report.py): each row is judged against the bare floor of its own minutes."""

import pytest

from bench.report import judge, markdown
from bench.scenario import FLOOR_EVERY, Page, with_floor_checks


def row(kind, rps, target=None):
    return {
        "page": kind,
        "kind": kind,
        "via": "bare" if kind == "bare" else "app",
        "requests_per_second": rps,
        "requests": int(rps * 10),
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "errors": 0,
        "statuses": {"200": int(rps * 10)},
        "target": target,
    }


def results(*rows):
    return {
        "rows": list(rows),
        "admin_queue": {"p50_ms": 50, "max_ms": 60, "count": 20, "target_ms": 300},
        "transfer": {
            "total_bytes": 10_000,
            "target_bytes": 50 * 1024,
            "files": [{"encoding": "gzip", "bytes": 8_000}],
            "html_uncompressed_bytes": 30_000,
            "scripts": 0,
        },
        "machine": {"cpus": 2, "cpu_model": "test", "memory_gb": 24, "python": "3.11", "django": "5.2"}
        | {"postgresql": "15", "wrk": "4.1", "nginx": "1.22"},
        "settings": {"threads": 2, "connections": 32, "duration": 10, "warmup": 2},
        "dataset": {"approved": 1_000_000, "pending": 100_000, "rejected": 100_000},
        "load_average_before": 1.0,
        "load_average_after": 1.0,
        "story_rate_limit": 5,
    }


def test_a_row_is_judged_against_the_floors_measured_just_before_and_after_it():
    measured = results(
        row("bare", 6_000),
        row("baseline", 3_000),
        row("page", 4_000, target=0.8),
        row("bare", 4_000),
        row("page", 3_400, target=0.8),
        row("bare", 4_500),
        row("baseline", 3_000),
    )

    judge(measured)
    first, second = (r for r in measured["rows"] if r["kind"] == "page")

    # 4,000 against (6,000 + 4,000) / 2: the slower floor of its own minutes, not the run's mean.
    assert (round(first["ratio_bare"], 2), first["result"]) == (0.8, "PASS")
    assert (round(second["ratio_bare"], 2), second["result"]) == (0.8, "PASS")
    assert measured["rows"][5]["ratio_bare"] == 1  # a floor row is its own floor


def test_a_row_below_its_target_against_its_own_floors_fails():
    measured = results(row("bare", 5_000), row("baseline", 3_000), row("page", 3_900, target=0.8), row("bare", 5_000))
    measured["rows"].append(row("baseline", 3_000))

    judge(measured)

    assert measured["rows"][2]["result"] == "FAIL"


def test_a_run_whose_floor_moved_by_more_than_fifteen_percent_is_called_noisy():
    measured = results(
        row("bare", 6_000), row("baseline", 3_000), row("bare", 4_000), row("bare", 5_800), row("baseline", 3_000)
    )
    judge(measured)

    assert "**Noisy run**: the bare floor ranged from 4,000 to 6,000 req/s" in markdown(measured)


def test_a_floor_row_that_lost_requests_judges_no_row():
    measured = results(row("bare", 5_000), row("baseline", 3_000), row("bare", 9_000), row("page", 4_000, target=0.8))
    measured["rows"][2]["errors"] = 12
    measured["rows"].append(row("baseline", 3_000))

    judge(measured)

    assert measured["rows"][3]["floor_rps"] == 5_000


def test_a_run_whose_floor_never_answered_stops_with_a_plain_message():
    measured = results(row("bare", 0), row("baseline", 3_000), row("page", 4_000, target=0.8), row("bare", 0))

    with pytest.raises(RuntimeError, match="bare floor answered no request"):
        judge(measured)


@pytest.mark.parametrize(
    ("pages_after_the_first_floor", "floor_positions"),
    # The first floor is one of the plan's rows, so the next comes after five pages: a row's
    # neighbours are never more than six rows away, and the plan always ends on a floor.
    [(5, [6]), (11, [6, 13]), (12, [6, 13, 15])],
)
def test_the_plan_measures_the_floor_again_after_every_six_rows_and_once_at_the_end(
    pages_after_the_first_floor, floor_positions
):
    assert FLOOR_EVERY == 6
    floor = Page("bare Django floor again", "/bench/bare/", kind="bare", via="bare")
    pages = [Page("bare Django floor", "/bench/bare/", kind="bare", via="bare")]
    pages += [Page(f"page {number}", f"/{number}/") for number in range(pages_after_the_first_floor)]

    checked = with_floor_checks(pages, floor)

    assert [number for number, page in enumerate(checked) if page is floor] == floor_positions
    assert [page for page in checked if page is not floor] == pages


def test_a_row_measured_in_rounds_is_judged_by_its_median_round_so_one_slow_round_cannot_decide():
    steady = row("uncached", 1_000, target=0.25) | {"rounds": [[1_200, 4_000], [400, 4_000], [1_040, 4_000]]}
    slipping = row("uncached", 1_000, target=0.25) | {"rounds": [[1_300, 4_000], [880, 4_000], [900, 4_000]]}
    measured = results(row("bare", 4_000), row("baseline", 3_000), steady, slipping, row("bare", 4_000))
    measured["rows"].append(row("baseline", 3_000))
    measured["settings"]["rounds"] = 3

    judge(measured)

    # Ratios 0.30, 0.10 (a neighbour took the machine) and 0.26: the median, 0.26, passes.
    assert (round(steady["ratio_bare"], 3), steady["result"]) == (0.26, "PASS")
    # One good round (0.325) beside two at 0.22: fails, whatever the row's mean req/s.
    assert (round(slipping["ratio_bare"], 3), slipping["result"]) == (0.225, "FAIL")
    assert "| 0.26 (0.10–0.30) |" in markdown(measured)


def test_a_round_whose_floor_lost_requests_judges_nothing_and_a_row_left_with_none_is_an_error():
    one_bad = row("uncached", 1_000, target=0.25) | {"rounds": [[1_000, 0], [1_100, 4_000], [1_040, 4_000]]}
    measured = results(row("bare", 4_000), row("baseline", 3_000), one_bad, row("bare", 4_000))
    measured["rows"].append(row("baseline", 3_000))

    judge(measured)

    assert (round(one_bad["ratio_bare"], 3), one_bad["result"]) == (0.268, "PASS")  # the mean of 0.275 and 0.26

    measured["rows"][2]["rounds"] = [[1_000, 0], [1_100, 0]]
    with pytest.raises(RuntimeError, match="No floor beside"):
        judge(measured)
