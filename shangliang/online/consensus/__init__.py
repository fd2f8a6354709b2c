"""Opinion groups and common ground for the online consultation room (docs/consensus.md), in numpy + scipy.sparse.

No Django here: the room's models call `analyse()` in a background task and store `result.to_json()` and
`result.state.to_json()`.
"""

from .analysis import AnalysisResult, AnalysisState, analyse
from .polis_io import PolisExport, PolisExportError, load_polis_export, write_polis_export
from .stats import NEW_STATEMENT_PRIORITY, choose_next_statement, importance, priority
from .votes import VoteLog, VoteMatrix, analysed_participants, build_vote_matrix

__all__ = [
    "NEW_STATEMENT_PRIORITY",
    "AnalysisResult",
    "AnalysisState",
    "PolisExport",
    "PolisExportError",
    "VoteLog",
    "VoteMatrix",
    "analyse",
    "analysed_participants",
    "build_vote_matrix",
    "choose_next_statement",
    "importance",
    "load_polis_export",
    "priority",
    "write_polis_export",
]
