"""Chinese text for search and similarity: jieba word segmentation (not character n-grams).

Stored terms use jieba's search mode (words and their sub-words: 停车位 → 停车, 车位, 停车位) so that a query for a
shorter word finds a longer one; queries use the precise mode, and their words are AND-ed. Terms are kept in one
text column padded with spaces. On PostgreSQL a GIN index over the column split into its words
(`string_to_array(btrim(search_terms), ' ')`, migration 0003) answers "has every word" (`@>`) and "has any word"
(`&&`); elsewhere (SQLite) the same questions are `contains " word "`. Results are ranked by `relevance`: the query's
words found in the title count double, the whole query in the title adds more.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable

import jieba
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When

_lock = threading.Lock()
_ready = False

# Words of the domain jieba would otherwise split or glue badly.
DOMAIN_WORDS = [
    "老旧小区",
    "物业管理",
    "物业费",
    "停车难",
    "停车位",
    "水压",
    "土地承包",
    "承包地",
    "网格员",
    "有事好商量",
    "议事室",
    "垃圾分类",
    "路灯",
    "电动车",
    "充电桩",
    "黑木耳",
    "养老服务",
    "适老化",
    "加装电梯",
]

# Function words and words that appear in nearly every concern ("问题", "希望"): they make everything look similar.
# fmt: off
STOPWORDS = frozenset([
    "的", "了", "是", "在", "和", "与", "及", "或", "也", "就", "都", "而", "但", "把",
    "被", "让", "给", "对", "从", "向", "为", "因为", "所以", "如果", "虽然", "但是", "而且", "并且",
    "还是", "或者", "我们", "你们", "他们", "她们", "大家", "我", "你", "他", "她", "它", "这", "那",
    "这个", "那个", "这些", "那些", "一个", "一些", "有些", "什么", "怎么", "怎样", "如何", "为什么", "没有", "不是",
    "已经", "还有", "可以", "能够", "能否", "是否", "需要", "希望", "建议", "请求", "要求", "反映", "问题", "情况",
    "现在", "目前", "一直", "非常", "比较", "特别", "进行", "解决", "有关", "相关", "方面", "工作", "一下", "上",
    "下", "中", "里", "等", "等等",
])
# fmt: on

_WORD = re.compile(r"^[\w\u4e00-\u9fff]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _jieba():
    global _ready

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                for word in DOMAIN_WORDS:
                    jieba.add_word(word, freq=20000)
                _ready = True
    return jieba


def _keep(word: str) -> bool:
    word = word.strip()
    return len(word) >= 2 and bool(_WORD.match(word)) and word not in STOPWORDS


def tokens(text: str) -> list[str]:
    """Search-mode words of `text`, deduplicated, in first-seen order (what is stored)."""
    seen: dict[str, None] = {}
    for word in _jieba().cut_for_search(text or ""):
        word = word.strip().lower()
        if _keep(word):
            seen.setdefault(word, None)
    return list(seen)


def query_words(text: str) -> tuple[list[str], list[str]]:
    """A query's words (precise mode): (words of 2+ characters, single characters that are not stopwords)."""
    words, chars = [], []
    for word in _jieba().cut((text or "")[:200]):
        word = word.strip().lower()
        if not word or not _WORD.match(word):
            continue
        if len(word) >= 2 and word not in STOPWORDS and word not in words:
            words.append(word)
        elif len(word) == 1 and word not in STOPWORDS and _CJK.match(word) and word not in chars:
            chars.append(word)
    return words, chars


def search_terms(title: str, description: str) -> str:
    words = tokens(f"{title}\n{description}")
    return f" {' '.join(words)} " if words else ""


class _Terms(Func):
    """`search_terms` split into its words compared with a list of words by an array operator (PostgreSQL): the
    expression the GIN index is built on."""

    output_field = BooleanField()
    operator = "@>"

    def __init__(self, words: Iterable[str]):
        super().__init__(F("search_terms"))
        self.words = list(words)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"string_to_array(btrim({sql}), ' ') {self.operator} %s::text[]", (*params, self.words)


class HasAllTerms(_Terms):
    operator = "@>"


class HasAnyTerm(_Terms):
    operator = "&&"


def _indexed() -> bool:
    return connection.vendor == "postgresql"


def all_words_q(words: list[str]) -> Q:
    if _indexed():
        return Q(HasAllTerms(words))
    q = Q()
    for word in words:
        q &= Q(search_terms__contains=f" {word} ")
    return q


def search_q(text: str) -> Q | None:
    """Q for topics matching every word of the query; None for an empty query.

    Words of two or more characters must be among the stored terms; a lone character (路, 桥) is looked for in the
    title and description, since single characters are not stored as terms.
    """
    words, chars = query_words(text)
    if not words and not chars:
        return None
    q = all_words_q(words) if words else Q()
    for ch in chars:
        q &= Q(title__contains=ch) | Q(description__contains=ch)
    return q


def relevance(text: str):
    """An expression ranking a topic for a query: each query word (or lone character) in the title counts 2, in
    the description 1; the whole query in the title adds 3. None for an empty query."""
    words, chars = query_words(text)
    if not words and not chars:
        return None
    parts = [
        Case(
            When(title__contains=w, then=Value(2)),
            When(description__contains=w, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for w in [*words, *chars]
    ]
    phrase = (text or "").strip()[:200]
    if phrase and len(words) + len(chars) > 1:
        parts.append(Case(When(title__contains=phrase, then=Value(3)), default=Value(0), output_field=IntegerField()))
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


def any_word_q(words: Iterable[str]) -> Q:
    words = list(words)
    if _indexed():
        return Q(HasAnyTerm(words)) if words else Q(pk__in=[])
    q = Q(pk__in=[])
    for word in words:
        q |= Q(search_terms__contains=f" {word} ")
    return q


def similarity(a: set[str], b: set[str], *, title_a: set[str] = frozenset(), title_b: set[str] = frozenset()) -> float:
    """Cosine of the two word sets, with words shared by both titles counting double."""
    if not a or not b:
        return 0.0
    shared = a & b
    score = len(shared) + len(title_a & title_b & shared)
    return score / math.sqrt((len(a) + len(title_a)) * (len(b) + len(title_b)))


def split_terms(stored: str) -> set[str]:
    return set(stored.split())
