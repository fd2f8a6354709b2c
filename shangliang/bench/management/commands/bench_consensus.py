"""`manage.py bench_consensus`: time the consensus engine on synthetic conversations with planted opinion groups.

A benchmark, not a test: it prints figures. Seconds are wall-clock for `analyse()` from in-memory vote arrays
(best of --repeat). Peak memory, two ways:
- tracemalloc, in a separate run: the peak of everything numpy and Python allocated during `analyse()` (the input
  arrays, allocated before, are excluded and printed apart);
- the process's resident set during the timed runs: on Linux the high-water mark (VmHWM) is reset through
  /proc/self/clear_refs before each run, so "peak RSS during analyse" minus "RSS before" is what the run added;
  elsewhere resource.getrusage's lifetime maximum is shown instead, which says less.
red-dwarf is a dev-only dependency, imported lazily; it is dense, so it only runs up to --reddwarf-max.
"""

from __future__ import annotations

import gc
import math
import resource
import sys
import time
import tracemalloc
import warnings
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from reddwarf.implementations.polis import run_pipeline

from shangliang.online.consensus import analyse
from shangliang.online.consensus.synthetic import adjusted_rand_index, planted_conversation

# the sizes the online room must handle (beyond the largest real conversations); any other size gets a square-ish
# conversation (8·sqrt(votes) on each side)
KNOWN_SHAPES = {1_000_000: (8_000, 8_000), 10_000_000: (100_000, 10_000)}
TARGETS = {1_000_000: (1.0, None), 10_000_000: (10.0, 2 * 1024**3)}


def _parse_sizes(text: str) -> list[tuple[int, int, int]]:
    """'1e6,5e5:5000x2000' → [(votes, participants, statements)]."""
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        count_text, _, shape = part.partition(":")
        try:
            votes = int(float(count_text))
            if shape:
                participants, statements = (int(float(x)) for x in shape.lower().split("x"))
            else:
                side = math.ceil(8 * math.sqrt(votes))
                participants, statements = KNOWN_SHAPES.get(votes, (side, side))
        except ValueError as exc:
            raise CommandError(f"--sizes 格式不对（bad size {part!r}; use 1e6 or 1e6:8000x8000）") from exc
        if votes <= 0 or votes > participants * statements:
            raise CommandError(f"规模不可能（impossible size {part!r}）")
        sizes.append((votes, participants, statements))
    return sizes


def _mib(n_bytes: float) -> str:
    return f"{n_bytes / 1024**2:,.0f} MiB"


def _max_rss_bytes() -> int:
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _proc_status(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's resident-set high-water mark (Linux ≥ 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return _proc_status("VmHWM") is not None


class Command(BaseCommand):
    help = "合成数据（含预设意见群组）上的共识分析基准：耗时与峰值内存，并与 red-dwarf 对比。"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes",
            default="1e5,5e5,1e6,1e7",
            help="comma-separated vote counts, optionally with a shape: 1e6:8000x8000 (default 1e5,5e5,1e6,1e7)",
        )
        parser.add_argument("--skip-reddwarf", action="store_true", help="do not run red-dwarf")
        parser.add_argument("--reddwarf-max", type=float, default=5e5, help="largest size red-dwarf runs on")
        parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best is shown")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = _parse_sizes(options["sizes"])
        run_pipeline = None if options["skip_reddwarf"] else self._import_reddwarf()
        for votes, participants, statements in sizes:
            self._bench_one(votes, participants, statements, options, run_pipeline)

    def _import_reddwarf(self) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
        except ImportError:
            self.stdout.write("red-dwarf 未安装（dev 依赖组），跳过对比。red-dwarf is not installed (dev group).")
            return None
        return run_pipeline

    def _bench_one(
        self, votes: int, participants: int, statements: int, options: dict[str, Any], run_pipeline: Any
    ) -> None:
        seed = options["seed"]
        conversation = planted_conversation(votes, participants, statements, seed=seed)
        log = conversation.votes
        input_bytes = sum(a.nbytes for a in (log.participant_ids, log.statement_ids, log.values))
        self.stdout.write(f"\n== {votes:,} votes: {participants:,} participants × {statements:,} statements ==")

        best = math.inf
        result = None
        rss_before = rss_peak = 0
        for _ in range(max(options["repeat"], 1)):
            result = None
            gc.collect()
            resettable = _reset_peak_rss()
            before = _proc_status("VmRSS") or 0
            started = time.perf_counter()
            result = analyse(log, seed=seed)
            best = min(best, time.perf_counter() - started)
            peak_now = (_proc_status("VmHWM") or 0) if resettable else 0
            if peak_now - before > rss_peak - rss_before:
                rss_before, rss_peak = before, peak_now
        assert result is not None
        warm_started = time.perf_counter()
        analyse(log, seed=seed, previous_state=result.state)
        warm = time.perf_counter() - warm_started

        del result
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        result = analyse(log, seed=seed)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        analysed = result.analysed
        ari = adjusted_rand_index(
            conversation.planted_groups[result.participant_ids[analysed]], result.participant_groups[analysed]
        )
        target_s, target_bytes = TARGETS.get(votes, (None, None))
        verdict = []
        if target_s is not None:
            verdict.append(f"target < {target_s:g} s: {'met' if best < target_s else 'MISSED'}")
        if target_bytes is not None:
            verdict.append(f"target < {_mib(target_bytes)}: {'met' if peak < target_bytes else 'MISSED'}")
        self.stdout.write(
            f"shangliang: {best:.3f} s (best of {max(options['repeat'], 1)}; warm-started rerun {warm:.3f} s)"
            + (f"  [{'; '.join(verdict)}]" if verdict else "")
        )
        if rss_peak:
            rss = (
                f"process RSS before {_mib(rss_before)}, peak during analyse {_mib(rss_peak)}"
                f" (+{_mib(rss_peak - rss_before)}; VmHWM reset before each run)"
            )
        else:
            rss = f"process max RSS so far (getrusage, whole life) {_mib(_max_rss_bytes())}"
        self.stdout.write(
            f"  peak memory during analyse (tracemalloc): {_mib(peak)}; input arrays {_mib(input_bytes)}; {rss}"
        )
        self.stdout.write(
            f"  unique votes {result.n_votes:,}, analysed {result.n_analysed:,}, k = {result.k}"
            f" (4 planted groups; ARI against them {ari:.3f})"
        )
        if run_pipeline is None:
            return
        if votes > options["reddwarf_max"]:
            self.stdout.write(f"red-dwarf: not run above {options['reddwarf_max']:,.0f} votes (it is dense)")
            return
        records = [
            {"participant_id": int(p), "statement_id": int(s), "vote": int(v)}
            for p, s, v in zip(log.participant_ids, log.statement_ids, log.values, strict=True)
        ]
        gc.collect()
        started = time.perf_counter()
        run_pipeline(votes=records, random_state=seed)
        reddwarf_seconds = time.perf_counter() - started
        self.stdout.write(
            f"red-dwarf: {reddwarf_seconds:.3f} s (one run, from its list-of-dicts input)"
            f"  ratio red-dwarf / shangliang = {reddwarf_seconds / best:,.0f}×"
        )
        del records
