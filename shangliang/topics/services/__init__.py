"""Every write on topics: keyword-only, typed, one transaction each, permission checked inside.

Split by area: intake (residents' submissions, entries by liaisons, members and party bodies, supports, urgency),
screening (三议四不议 and approval), importing (the grid workers' Excel sheet).
"""

from shangliang.topics.services.importing import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    NO,
    SHOWN_ERRORS,
    YES,
    ImportRejected,
    Row,
    parse,
    template_workbook,
    topics_import,
)
from shangliang.topics.services.intake import (
    DESCRIPTION_MAX,
    MAX_PHOTOS,
    NAME_MAX,
    SOURCE_PERMISSIONS,
    TITLE_MAX,
    TrackingCodeHolder,
    clean_description,
    clean_mobile,
    clean_name,
    clean_photos,
    clean_title,
    insert_topic,
    topic_enter,
    topic_resubmit,
    topic_set_urgent,
    topic_submit,
    topic_support,
)
from shangliang.topics.services.publicity import publicity_save
from shangliang.topics.services.screening import (
    NOTE_MAX,
    topic_decide,
    topic_screen,
)

__all__ = [
    "publicity_save",
    "COLUMNS",
    "DESCRIPTION_MAX",
    "ImportRejected",
    "MAX_BYTES",
    "MAX_PHOTOS",
    "MAX_ROWS",
    "NAME_MAX",
    "NO",
    "NOTE_MAX",
    "Row",
    "SHOWN_ERRORS",
    "SOURCE_PERMISSIONS",
    "TITLE_MAX",
    "TrackingCodeHolder",
    "YES",
    "clean_description",
    "clean_mobile",
    "clean_name",
    "clean_photos",
    "clean_title",
    "insert_topic",
    "parse",
    "template_workbook",
    "topic_decide",
    "topic_enter",
    "topic_resubmit",
    "topic_screen",
    "topic_set_urgent",
    "topic_submit",
    "topic_support",
    "topics_import",
]
