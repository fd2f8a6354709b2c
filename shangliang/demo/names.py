"""Deterministic, plausible Chinese names, village names and mobile numbers for the demo county.

Everything comes from a `random.Random` seeded with a string, so the same seed gives the same names in every
process (string seeds do not depend on PYTHONHASHSEED). Sets are only used for membership tests, never iterated.
"""

import random
from collections.abc import Iterable


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Common surnames, roughly by frequency in Heilongjiang (the first ones are drawn more often).
SURNAMES = (
    "王李张刘陈杨赵孙周吴徐高马朱胡郭何林于董宋郑韩唐冯曹姜许邓程田袁彭曲苏吕丁蒋沈魏姚潘金任崔谭白"
    "贾石付范方邹熊陆杜夏钟汪孔秦邱侯邵孟龙万段雷钱汤尹易常武乔贺赖龚文葛阎洪鲁温迟耿牛关纪隋"
)
MALE_CHARS = "伟强磊军勇杰涛明超辉刚平斌鹏亮波宇浩凯俊峰建国春林海东志永文忠成德庆利福胜宏兵立新学"
FEMALE_CHARS = "丽娟艳敏静芳玲燕霞红梅英华秀兰萍洁颖慧琳婷雪晶凤玉春桂荣淑云琴丹莉倩晓佳欣"
# Mobile prefixes in use on the mainland (China Mobile, Unicom, Telecom).
PHONE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
)

# Village names of the kind found along the Suifen river: numbered valleys, river bends, old camp names, and the
# hopeful names given to villages in the 1950s.
_VILLAGE_PREFIXES = _words("东 西 南 北 前 后 上 下 大 小 新 老 头道 二道 三道 四道 五道 高")
_VILLAGE_CORES = _words("河 沟 岭 甸子 岔 泉 屯 营 城子 洞 崴子 砬子 川 湾 岗 台 堡 桥 林子 地营")
_VILLAGE_WORDS = _words(
    "太平 永和 红旗 胜利 光明 新立 长胜 和平 双丰 东兴 富民 福兴 金星 永胜 建国 兴隆 万宝 庆丰 民主 前进 友谊 跃进 "
    "向阳 保安 平安 德胜 永安 泉眼 暖泉 金厂 碱场 菜营 转角楼 石门子 马营 高安 洞庭 合作 联合 新丰 丰收 双桥"
)


class NameBook:
    """Draws unique person names and phone numbers from one seeded random stream."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self._names: set[str] = set()
        self._phones: set[str] = set()
        self._places: set[str] = set()

    def reserve(self, *, names: Iterable[str] = (), phones: Iterable[str] = (), places: Iterable[str] = ()) -> None:
        """Mark names already in the database as taken, so a later step never repeats them."""
        self._names.update(n for n in names if n)
        self._phones.update(p for p in phones if p)
        self._places.update(p for p in places if p)

    def person(self, gender: str | None = None) -> str:
        """A full name such as 王建国 or 李丽; unique within this book."""
        for _attempt in range(1000):
            # Frequent surnames are drawn more often: pick from the first part of the list two times in three.
            pool = SURNAMES[:30] if self.rng.random() < 0.66 else SURNAMES
            surname = self.rng.choice(pool)
            if gender is None:
                gender = "f" if self.rng.random() < 0.42 else "m"
            chars = FEMALE_CHARS if gender == "f" else MALE_CHARS
            given = self.rng.choice(chars)
            if self.rng.random() < 0.8:
                second = self.rng.choice(chars)
                if second != given:
                    given += second
            name = surname + given
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("name book exhausted")

    def phone(self) -> str:
        """An 11-digit mainland mobile number (1[3-9]xxxxxxxxx); unique within this book."""
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def village(self) -> str:
        """A village name ending in 村, such as 二道沟村 or 永和村; unique within this book."""
        for _attempt in range(1000):
            if self.rng.random() < 0.55:
                stem = self.rng.choice(_VILLAGE_PREFIXES) + self.rng.choice(_VILLAGE_CORES)
            else:
                stem = self.rng.choice(_VILLAGE_WORDS)
            name = stem + "村"
            if name not in self._places:
                self._places.add(name)
                return name
        raise RuntimeError("village names exhausted")
