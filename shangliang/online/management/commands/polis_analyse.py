"""`manage.py polis_analyse <folder>`: analyse a Pol.is open-data export and print JSON. Never touches a database.

The JSON's `seconds` hold the time to read the files (`load`) apart from the analysis (`analyse`); the same line goes
to standard error for people. `--replay N` analyses the votes as they arrived instead, in N updates each
warm-started from the last (as a live room would), and prints what each update showed.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangliang.online.consensus import PolisExportError, analyse, load_polis_export
from shangliang.online.consensus.replay import replay


def _key(value: Any) -> str:
    return str(value)


class Command(BaseCommand):
    help = "分析一个 Pol.is 开放数据导出（votes.csv、comments.csv），以 JSON 输出意见群组与共识；不使用数据库。"
    # nothing here needs the database or the system checks (which may look at it)
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="folder holding votes.csv and comments.csv")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON with this indent")
        parser.add_argument(
            "--replay",
            type=int,
            default=0,
            metavar="N",
            help="feed the votes in arrival order in N updates, each warm-started from the last (default: cold)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            export = load_polis_export(options["folder"])
        except PolisExportError as exc:
            raise CommandError(str(exc)) from exc
        loaded = time.perf_counter()
        updates = None
        if options["replay"] > 0:
            result, updates = replay(
                export.votes,
                updates=options["replay"],
                moderated_out=export.moderated_out,
                statement_ids=export.statement_ids,
                seed=options["seed"],
            )
        else:
            result = analyse(
                export.votes,
                moderated_out=export.moderated_out,
                statement_ids=export.statement_ids,
                seed=options["seed"],
            )
        analysed = time.perf_counter()
        participant_ids = result.participant_ids.tolist()
        statement_ids = result.statement_ids.tolist()
        groups = result.participant_groups.tolist()
        payload = {
            "folder": str(options["folder"]),
            "vote_source": export.vote_source,
            "warning_count": export.warning_count,
            "warnings": [str(w) for w in export.warnings],
            "participants": len(participant_ids),
            "statements": len(statement_ids),
            "statements_moderated_out": len(export.moderated_out),
            "votes": result.n_votes,
            "analysed_participants": result.n_analysed,
            "k": result.k,
            "best_k": result.best_k,
            "silhouettes": {str(k): v for k, v in result.silhouettes.items()},
            "updates": None if updates is None else [vars(u) for u in updates],
            "participant_groups": {
                _key(p): (g if g >= 0 else None) for p, g in zip(participant_ids, groups, strict=True)
            },
            "components": {
                "statement_ids": statement_ids,
                "pc1": result.components[0].tolist(),
                "pc2": result.components[1].tolist(),
                "singular_values": result.singular_values.tolist(),
            },
            "group_informed_consensus": {
                _key(s): {"agree": a, "disagree": d}
                for s, a, d in zip(statement_ids, result.gac_agree.tolist(), result.gac_disagree.tolist(), strict=True)
            },
            "groups": [
                {
                    "id": g,
                    "size": int(result.group_sizes[g]),
                    "representative": [vars(r) for r in result.representative[g]],
                }
                for g in range(result.k)
            ],
            "consensus": {d: [vars(c) for c in items] for d, items in result.consensus.items()},
            "divisive": [vars(d) for d in result.divisive],
            "seconds": {
                "load": loaded - started,
                "analyse": analysed - loaded,
                "total": time.perf_counter() - started,
            },
        }
        self.stderr.write(
            f"读入 {payload['seconds']['load']:.2f} 秒，分析 {payload['seconds']['analyse']:.2f} 秒"
            f"（load {payload['seconds']['load']:.2f} s, analysis {payload['seconds']['analyse']:.2f} s;"
            f" {result.n_votes} votes, {export.warning_count} warnings）"
        )
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=options["indent"]))
