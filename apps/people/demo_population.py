"""A synthetic population for the demo: households, persons and their surveys of 2025 and 2026.

Nothing here is real: names are drawn from common family and given names of each
ethnic group, national identification numbers start with ``000`` (no province
has that code, so none can be a real person's), and every row is flagged
``is_demo``. The shape is plausible for the rural Central Highlands (Tây
Nguyên): many children and young adults, households of four or five, Ê Đê and
M'Nông households matrilineal (children bear the mother's clan name, a woman
often heads the household), minorities living mostly in the buôn.

Schooling is drawn as one career per person (start age, the grade reached,
diploma, what follows grade 9, literacy classes), then observed in each survey
year, so that the two years agree and 2026 shows the progress of younger cohorts.
Ages, cohorts and completion rules are those of pcgd-xmc.md: age = survey year
− year of birth, grade 1 at age 6 (Luật Giáo dục 43/2019/QH14, Art. 29).

A few data-quality defects are made on purpose, so that the quality report
(``apps.people.quality``) has findings: households without a head or with two,
grades contradicting the level, a person recorded twice, a 2025 record with no
2026 record, an impossible year of birth, a literacy stage recorded for a primary
completer. Their counts are returned.

Deterministic: each commune draws from its own ``random.Random`` seeded with the
seed and the commune code, so the same (persons, seed) gives the same rows.
Written set-wise: tuples through ``COPY`` on PostgreSQL and ``executemany`` on
SQLite, in chunks of households, within the caller's transaction; these writes
bypass model signals (the caller records one audit entry and marks the metrics stale).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from bisect import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import connection
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone

# The same SQLite page cache and bulk-load steps as large imports.
from apps.people.importing.sql import Writer, bulk_load, tuned_connection
from apps.people.models import (
    COPIED_FROM_PERSON,
    Clan,
    Disability,
    EnrolledLevel,
    Household,
    Person,
    Relation,
    SurveyRecord,
)
from apps.places.models import Unit
from apps.places.services import normalise_name

SURVEY_YEARS = (2025, 2026)
REFERENCE_YEAR = SURVEY_YEARS[-1]
CHUNK_HOUSEHOLDS = 2000
MATRILINEAL = {"12", "20"}  # Ê Đê, M'Nông
BUON_GROUPS = {"12", "20"}  # households living mostly in the buôn
BUON_SHARE = 0.85


@dataclass(frozen=True)
class Schooling:
    """Chances along a school career for the cohort born around 2008, falling for older cohorts.

    ``decline`` is the fall of each chance per decade of birth before 2008 (older
    generations went to school less, minorities much less); ``literacy_class`` is
    the chance that someone who left school before grade 5 completed an XMC
    (literacy programme) stage.
    """

    enter: float  # enters grade 1
    primary: float  # completes grade 5, once entered
    lower: float  # completes grade 9, once primary is completed
    upper: float  # goes on after grade 9: upper-secondary (general or continuing) or vocational
    decline: float
    delay: float  # starts grade 1 a year late
    preschool: float  # attends preschool at 5
    literacy_class: float
    early_leaving: float = 0.0  # share of those who never complete primary who left school before 11


@dataclass(frozen=True)
class CommunePlan:
    """One commune to populate: its villages, how many persons, who they are."""

    commune: Unit
    villages: Sequence[Unit]
    persons: int
    ethnicities: Sequence[tuple[str, float]]  # (ethnic code, weight)
    kinh: Schooling
    minority: Schooling


@dataclass
class PopulationCounts:
    households: int = 0
    persons: int = 0
    surveys: int = 0
    clans: int = 0
    defects: Counter = field(default_factory=Counter)


class Draws(random.Random):
    """``random.Random`` whose choice and randint take one ``random()`` each.

    The standard ones reject and redraw bits to be exactly uniform; a bias below
    one in a billion does not matter here, and these are three times faster. As
    deterministic for a seed.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def below(self, n: int) -> int:
        return int(self.random() * n)


class Weighted:
    """Items drawn with weights by bisecting their cumulative weights."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def _nfc(words: str) -> list[str]:
    return unicodedata.normalize("NFC", words).split(",")


# --- names -------------------------------------------------------------------------------------
# Family names with rough weights; given and middle names by sex. Common names only.
KINH_SURNAMES = _nfc("Nguyễn,Nguyễn,Nguyễn,Nguyễn,Nguyễn,Nguyễn,Nguyễn,Nguyễn,Trần,Trần,Trần,Lê,Lê,Lê,"
                     "Phạm,Phạm,Hoàng,Huỳnh,Phan,Vũ,Võ,Đặng,Bùi,Đỗ,Hồ,Ngô,Dương,Đinh,Trương,Lương,Lý")
TAY_NUNG_SURNAMES = _nfc("Hoàng,Nông,Lương,Vi,Lục,Hà,Triệu,Lăng,Mã,Đàm,Lâm,Chu")
THAI_MUONG_SURNAMES = _nfc("Lò,Cầm,Lường,Quàng,Bùi,Đinh,Quách,Hà")
MONG_SURNAMES = _nfc("Giàng,Vàng,Sùng,Thào,Lý,Hầu,Mùa,Hờ,Lầu")
DAO_SURNAMES = _nfc("Triệu,Bàn,Đặng,Lý,Phùng,Chảo")
EDE_CLANS = _nfc("Niê,Êban,Mlô,Ktla,Byă,Adrơng,Ksor,Ênuôl,Kpă,Hwing,Knul,Mdrang")
MNONG_CLANS = _nfc("Bkrông,Liêng,Bdap,Kdăm,Ding,Siu")

MALE_MIDDLE = _nfc("Văn,Văn,Văn,Đức,Minh,Hữu,Quang,Thanh,Công,Anh,Gia,Xuân")
FEMALE_MIDDLE = _nfc("Thị,Thị,Thị,Ngọc,Thu,Thanh,Kim,Hoài,Bảo,Khánh,Mỹ,Phương")
MALE_GIVEN = _nfc("An,Bình,Cường,Dũng,Đạt,Hùng,Hải,Hiếu,Huy,Khánh,Khoa,Long,Minh,Nam,Nghĩa,Phong,Phúc,"
                  "Quân,Sơn,Tâm,Thắng,Thành,Tuấn,Trung,Việt,Vinh,Hoàng,Lâm,Tùng,Đông")
FEMALE_GIVEN = _nfc("Anh,Chi,Dung,Giang,Hà,Hạnh,Hằng,Hoa,Hương,Lan,Linh,Mai,Ngọc,Nhung,Phương,Quỳnh,"
                    "Thảo,Trang,Vân,Yến,Hiền,Thúy,Nga,Loan,Tuyết,Oanh,Liên,Nhi,Thư,Hồng")
MONG_MALE_GIVEN = _nfc("Páo,Chá,Lử,Dế,Sua,Pó,Chứ,Dính,Tủa,Sính,Chía,Dình")
MONG_FEMALE_GIVEN = _nfc("Mỷ,Súa,Dợ,Mai,Sinh,Pà,Chở,Dua,Ly,Máy")
HIGHLAND_MALE_GIVEN = _nfc("Bhin,Blốc,Kông,Khuê,Nhiêm,Phin,Suôn,Thuột,Wang,Jang,Dhông,Sang,Tlan,Hơn,Lang,"
                           "Bim,Ju,Kô,Ngông,Dlei")
HIGHLAND_FEMALE_GIVEN = _nfc("Hen,Blim,Nga,Hoa,Yơn,Bia,Luyên,Mai,Điêng,Ruôn,Xuân,Tlin,Juen,Ni,Dju,Wơn")

FAMILY_NAMES: dict[str, list[str]] = {
    "01": KINH_SURNAMES, "02": TAY_NUNG_SURNAMES, "07": TAY_NUNG_SURNAMES,
    "03": THAI_MUONG_SURNAMES, "06": THAI_MUONG_SURNAMES, "08": MONG_SURNAMES, "09": DAO_SURNAMES,
    "12": EDE_CLANS, "20": MNONG_CLANS,
}


def family_names(ethnicity: str) -> list[str]:
    return FAMILY_NAMES.get(ethnicity, KINH_SURNAMES)


def _full_name(rng: Draws, ethnicity: str, male: bool, family: str) -> str:
    if ethnicity in MATRILINEAL:
        given = rng.choice(HIGHLAND_MALE_GIVEN if male else HIGHLAND_FEMALE_GIVEN)
        return f"Y {given} {family}" if male else f"H'{given} {family}"
    if ethnicity == "08":
        given = rng.choice(MONG_MALE_GIVEN if male else MONG_FEMALE_GIVEN)
        return f"{family} {'A' if male else 'Thị'} {given}"
    middle = rng.choice(MALE_MIDDLE if male else FEMALE_MIDDLE)
    return f"{family} {middle} {rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)}"


# --- households ----------------------------------------------------------------------------------

class Member:
    """A person of a generated household, before ids are given."""

    __slots__ = ("age", "birth_date", "career", "disability", "ethnicity", "family", "left", "male", "name",
                 "national_id", "relation", "skip_2025", "skip_2026")

    def __init__(self, relation: str, male: bool, age: int, ethnicity: str, family: str) -> None:
        self.relation = relation
        self.male = male
        self.age = max(0, age)
        self.ethnicity = ethnicity
        self.family = family
        self.name = ""
        self.birth_date: str | None = None
        self.disability = ""
        self.national_id = ""
        self.career: tuple = ()
        self.left: tuple[str, int] | None = None  # (status, year it began)
        self.skip_2025 = False  # moved in after the 2025 survey
        self.skip_2026 = False


MINORITY_CHILDREN = Weighted(range(7), (4, 10, 28, 28, 18, 8, 4))
KINH_CHILDREN = Weighted(range(6), (5, 15, 45, 25, 8, 2))


def _household(rng: Draws, ethnicity: str, mix: Weighted) -> list[Member]:
    """The members of one household, head first, with plausible ages and relations."""
    minority = ethnicity != "01"
    matrilineal = ethnicity in MATRILINEAL
    head_age = 20 + int(rng.betavariate(2.0, 3.2) * 65)
    head_male = rng.random() >= (0.55 if matrilineal else 0.18)
    names = family_names(ethnicity)
    head = Member(Relation.HEAD, head_male, head_age, ethnicity, rng.choice(names))
    members = [head]
    spouse = None
    if rng.random() < (0.88 if head_age < 65 else 0.6):
        gap = max(-4, int(rng.gauss(3, 3)))
        spouse_age = head_age - gap if head_male else head_age + gap
        spouse_ethnicity = ethnicity if rng.random() < 0.9 else mix.draw(rng)
        spouse = Member(Relation.WIFE if head_male else Relation.HUSBAND, not head_male, spouse_age,
                        spouse_ethnicity, rng.choice(family_names(spouse_ethnicity)))
        members.append(spouse)
    mother = head if not head_male else spouse
    father = head if head_male else spouse
    mother_age = mother.age if mother else head_age - 3
    # Children bear the father's family name, or the mother's clan in matrilineal groups.
    carrier = mother if matrilineal else father
    child_family = carrier.family if carrier else head.family
    age_at_birth = rng.randint(17, 24) if minority else rng.randint(19, 28)
    children: list[Member] = []
    for _child in range((MINORITY_CHILDREN if minority else KINH_CHILDREN).draw(rng)):
        age = mother_age - age_at_birth
        age_at_birth += rng.randint(2, 4)
        if age < 0 or age_at_birth > 45:
            break
        stays = 1.0 if age < 18 else 0.85 if age < 23 else 0.4 if age < 30 else 0.08
        if rng.random() < stays:
            children.append(Member(Relation.CHILD, rng.random() < 0.51, age, ethnicity, child_family))
    members.extend(children)
    adults = [child for child in children if child.age >= 20]
    if adults and rng.random() < 0.45:
        married = rng.choice(adults)
        in_law_family = rng.choice(names)
        members.append(Member(Relation.OTHER, not married.male, married.age + rng.randint(-3, 3), ethnicity,
                              in_law_family))
        # The grandchildren follow the married child's line or their other parent's.
        line = married.family if married.male != matrilineal else in_law_family
        for _grandchild in range(rng.choice((1, 1, 2, 2, 3))):
            age = married.age - rng.randint(19, 30)
            if age >= 0:
                members.append(Member(Relation.GRANDCHILD, rng.random() < 0.51, age, ethnicity, line))
    if head_age < 60 and rng.random() < 0.12:
        parent_male = rng.random() < 0.4
        members.append(Member(Relation.FATHER if parent_male else Relation.MOTHER, parent_male,
                              min(98, head_age + rng.randint(22, 32)), ethnicity,
                              head.family if parent_male != matrilineal else rng.choice(names)))
    return members


# --- schooling -----------------------------------------------------------------------------------
# career = (delay, attainment, diploma, after_nine, further, pre34, pre5, preschool_done, xmc_stage, xmc_year,
#           repeats: a pupil who never completes primary stays in it, repeating, until 12)
NO_SCHOOL = (0, 0, False, "", "", False, False, False, 0, 0, False)


def _career(rng: Draws, birth_year: int, chances: Schooling, disability: str) -> tuple:
    """One person's school career, drawn once and observed in each survey year."""
    if disability == Disability.CANNOT_LEARN:
        return NO_SCHOOL
    random_ = rng.random
    fall = chances.decline * max(0.0, (2008 - birth_year) / 10)
    handicap = 0.75 if disability else 1.0
    delay = 1 if random_() < chances.delay else 0
    after_nine = further = ""
    repeats = False
    if random_() >= max(0.02, chances.enter - fall * 0.5):
        attainment = 0
    elif random_() >= max(0.02, chances.primary - fall * 0.6) * handicap:
        attainment = rng.randint(1, 4)
        repeats = random_() >= chances.early_leaving
    elif random_() >= max(0.02, chances.lower - fall * 1.3) * handicap:
        attainment = rng.randint(5, 8)
    elif random_() >= max(0.02, chances.upper - fall * 1.5):
        attainment = 9
    else:
        draw = random_()
        after_nine = (EnrolledLevel.UPPER_SECONDARY if draw < 0.72
                      else EnrolledLevel.CONTINUING_UPPER if draw < 0.84 else EnrolledLevel.VOCATIONAL)
        attainment = 9 if after_nine == EnrolledLevel.VOCATIONAL else 12 if random_() < 0.95 else 11
        # After grade 12: colleges and intermediate schools (GDNN), or university ("other").
        if attainment == 12 and random_() < chances.upper * 0.85:
            further = EnrolledLevel.VOCATIONAL if random_() < 0.7 else EnrolledLevel.OTHER
    diploma = attainment >= 9 and random_() < 0.99
    pre5 = birth_year >= 2000 and random_() < max(0.02, chances.preschool - fall) * handicap
    pre34 = pre5 and random_() < 0.85
    # Late starters repeat the last preschool year instead of completing it.
    preschool_done = pre5 and not delay and birth_year >= 2004 and random_() < 0.96
    stage = year = 0
    if attainment < 5 and birth_year <= REFERENCE_YEAR - 15:
        chance = chances.literacy_class * (1.0 if attainment <= 2 else 0.5) * handicap
        if random_() < chance:
            stage = 2 if random_() < 0.5 else 1
            first = max(birth_year + 15, 1995)
            year = REFERENCE_YEAR if first >= REFERENCE_YEAR or random_() < 0.12 else rng.randint(first, 2025)
    return (delay, attainment, diploma, after_nine, further, pre34, pre5, preschool_done, stage, year,
            repeats)


def _observe(year: int, birth_year: int, career: tuple) -> tuple:
    """The schooling facts of a survey year: (level, grade, preschool done, primary year,
    lower-secondary year, highest grade, literacy stage)."""
    (delay, attainment, diploma, after_nine, further, pre34, pre5, preschool_done, stage, stage_year,
     repeats) = career
    age = year - birth_year
    level = ""
    grade = highest = None
    grade_now = age - 5 - delay  # the grade of the school year starting in September
    if age >= 6:
        highest = 0
    if grade_now <= 0:
        if (3 <= age <= 4 and pre34) or (5 <= age <= 6 and pre5):
            level = EnrolledLevel.PRESCHOOL
    elif grade_now <= attainment:
        grade = grade_now
        highest = grade_now - 1
        level = (EnrolledLevel.PRIMARY if grade_now <= 5 else EnrolledLevel.LOWER_SECONDARY if grade_now <= 9
                 else after_nine)
    else:
        highest = attainment
        if repeats and age <= 12:
            level, grade = EnrolledLevel.PRIMARY, attainment + 1
        elif after_nine == EnrolledLevel.VOCATIONAL and grade_now <= 12:
            level = after_nine
        elif further and grade_now <= 15:
            level = further
    primary_year = birth_year + 11 + delay if highest is not None and highest >= 5 else None
    lower_year = birth_year + 15 + delay if diploma and highest is not None and highest >= 9 else None
    literacy = stage if stage and stage_year <= year else None
    return (level, grade, preschool_done and age >= 6, primary_year, lower_year, highest, literacy)


# --- statuses and personal details ----------------------------------------------------------------

def _death_chance(age: int) -> float:
    return 0.002 if age < 1 else 0.0015 if age < 60 else 0.01 if age < 70 else 0.04 if age < 80 else 0.1


def _fates(rng: Draws, member: Member) -> None:
    """Who moved away or died, and when (2025 or 2026)."""
    random_ = rng.random
    for year in SURVEY_YEARS:
        if member.left:
            return
        age = member.age - (REFERENCE_YEAR - year)
        if age < 0:
            continue
        if random_() < _death_chance(age):
            member.left = ("deceased", year)
        elif member.relation != Relation.HEAD and random_() < (0.004 if year == SURVEY_YEARS[0] else 0.008):
            member.left = ("moved_away", year)


def _disability(rng: Draws, age: int) -> str:
    chance = 0.006 if age < 15 else 0.01 if age < 60 else 0.03
    if rng.random() >= chance:
        return ""
    return Disability.CANNOT_LEARN if rng.random() < 0.3 else Disability.CAN_LEARN


class _Ids:
    """National identification numbers of the demo: 000 (no such province), sex and century, year, serial."""

    def __init__(self) -> None:
        self.serials: Counter = Counter()

    def next(self, male: bool, birth_year: int) -> str:
        century = (0 if birth_year < 2000 else 2) + (0 if male else 1)
        key = (century, birth_year % 100)
        self.serials[key] += 1
        return f"000{century}{birth_year % 100:02d}{self.serials[key]:06d}"


# --- writing ---------------------------------------------------------------------------------------

class _Writer(Writer):
    """The import's writer (ids from the tables' own sequences); rows inserted as demo data."""

    def __init__(self) -> None:
        super().__init__(timezone.now())

    def insert(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        """Insert ``rows`` (values of ``columns``, then is_demo, created_at, updated_at)."""
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(model._meta.get_field(name).column)
                          for name in (*columns, "is_demo", "created_at", "updated_at"))
        tail = (True, self.now, self.now)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
            else:
                marks = ", ".join(["?"] * (len(columns) + 3))
                raw = connection.connection  # one prepared statement, without Django's per-row wrapping
                raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                                [row + tail for row in rows])


HOUSEHOLD_COLUMNS = ("id", "commune", "village", "code", "address")
PERSON_COLUMNS = ("id", "household", "commune", "village", "code", "full_name", "name_key", "relation", "sex",
                  "birth_year", "birth_date", "ethnicity", "disability", "clan", "national_id")
SURVEY_COLUMNS = ("person", "year", "commune", "status", "enrolled_level", "enrolled_grade",
                  "preschool_completed", "primary_completed_year", "lower_secondary_graduated_year",
                  "highest_grade_completed", "literacy_stage_completed", *COPIED_FROM_PERSON)


def _clans(plan: CommunePlan, counts: PopulationCounts) -> dict[str, int]:
    """Clan (dòng họ) ids by name in the commune, creating the demo's missing ones."""
    names = sorted({name for code, _weight in plan.ethnicities for name in family_names(code)}
                   | set(KINH_SURNAMES))
    existing = {clan.name_key: clan.pk for clan in Clan.objects.filter(commune=plan.commune)}
    missing = [Clan(commune=plan.commune, name=name, name_key=name.casefold(), is_demo=True)
               for name in names if name.casefold() not in existing]
    for clan in Clan.objects.bulk_create(missing):
        existing[clan.name_key] = clan.pk
    counts.clans += len(missing)
    return {name: existing[name.casefold()] for name in names}


class _Commune:
    """Generates one commune's households, in chunks, and writes them."""

    def __init__(self, plan: CommunePlan, seed: int, writer: _Writer, ids: _Ids,
                 counts: PopulationCounts) -> None:
        self.plan = plan
        self.commune_id = plan.commune.id
        self.rng = Draws(f"{seed}:{plan.commune.code}")
        self.writer = writer
        self.ids = ids
        self.counts = counts
        codes, weights = zip(*plan.ethnicities, strict=True)
        self.mix = Weighted(codes, weights)
        self.buon = [village for village in plan.villages if village.division_type == "buôn"]
        self.others = [village for village in plan.villages if village.division_type != "buôn"] or self.buon
        self.clans = _clans(plan, counts)
        self.keys: dict[str, str] = {}
        self.jan1 = {year: dt.date(year, 1, 1).toordinal() for year in range(1850, REFERENCE_YEAR + 1)}

    def run(self) -> None:
        remaining = self.plan.persons
        number = 0
        while remaining > 0:
            chunk: list[tuple[Unit, list[Member]]] = []
            while remaining > 0 and len(chunk) < CHUNK_HOUSEHOLDS:
                village, members = self._next_household()
                members = members[:remaining]
                remaining -= len(members)
                chunk.append((village, members))
            number = self._write(chunk, number)

    def _next_household(self) -> tuple[Unit, list[Member]]:
        rng = self.rng
        ethnicity = self.mix.draw(rng)
        in_buon = self.buon and ethnicity in BUON_GROUPS and rng.random() < BUON_SHARE
        village = rng.choice(self.buon if in_buon else self.others)
        members = _household(rng, ethnicity, self.mix)
        arrived = rng.random() < 0.005  # moved in after the 2025 survey
        for member in members:
            self._details(member, arrived)
        self._defects(members)
        return village, members

    def _details(self, member: Member, arrived: bool) -> None:
        rng = self.rng
        birth_year = REFERENCE_YEAR - member.age
        member.name = _full_name(rng, member.ethnicity, member.male, member.family)
        # Older minority people often know only their year of birth.
        if not (member.ethnicity != "01" and birth_year < 1975 and rng.random() < 0.4):
            days = rng.below(270 if birth_year == REFERENCE_YEAR else 365)
            member.birth_date = dt.date.fromordinal(self.jan1[birth_year] + days).isoformat()
        member.disability = _disability(rng, member.age)
        chances = self.plan.minority if member.ethnicity != "01" else self.plan.kinh
        member.career = _career(rng, birth_year, chances, member.disability)
        if member.age >= 14 and rng.random() < 0.75:
            member.national_id = self.ids.next(member.male, birth_year)
        _fates(rng, member)
        member.skip_2025 = arrived

    def _defects(self, members: list[Member]) -> None:
        """Rare mistakes of the kind a commune's registry holds (see the module docstring)."""
        rng = self.rng
        defects = self.counts.defects
        draw = rng.random()
        head = members[0]
        if draw < 0.004:
            members[0].relation = ""
            defects["household without a head"] += 1
        elif draw < 0.007 and len(members) > 1 and members[1].relation in (Relation.WIFE, Relation.HUSBAND):
            members[1].relation = Relation.HEAD
            defects["household with two heads"] += 1
        elif draw < 0.008:
            twin = members[-1]
            copy = Member(twin.relation, twin.male, twin.age, twin.ethnicity, twin.family)
            for name in Member.__slots__:
                setattr(copy, name, getattr(twin, name))
            copy.national_id = ""
            members.append(copy)
            defects["person recorded twice"] += 1
        elif draw < 0.009 and 40 <= head.age <= 46:
            head.age += 100  # born 1980–1986 typed as 1880–1886
            head.birth_date = None
            defects["impossible year of birth"] += 1

    def _write(self, chunk: list[tuple[Unit, list[Member]]], number: int) -> int:
        writer, plan, counts = self.writer, self.plan, self.counts
        commune_id = self.commune_id
        household_ids = iter(writer.allocate(Household, len(chunk)))
        person_ids = iter(writer.allocate(Person, sum(len(members) for _village, members in chunk)))
        households, persons, surveys = [], [], []
        for village, members in chunk:
            number += 1
            household_id = next(household_ids)
            households.append((household_id, commune_id, village.id, f"DM{number:06d}",
                               f"{village.name}, {plan.commune.name}"))
            for index, member in enumerate(members, start=1):
                person_id = next(person_ids)
                persons.append(self._person_row(person_id, household_id, village, index, member))
                surveys.extend(self._survey_rows(person_id, member))
        writer.insert(Household, HOUSEHOLD_COLUMNS, households)
        writer.insert(Person, PERSON_COLUMNS, persons)
        writer.insert(SurveyRecord, SURVEY_COLUMNS, surveys)
        counts.households += len(households)
        counts.persons += len(persons)
        counts.surveys += len(surveys)
        return number

    def _person_row(self, person_id: int, household_id: int, village: Unit, index: int,
                    member: Member) -> tuple:
        key = self.keys.get(member.name)
        if key is None:
            key = self.keys[member.name] = normalise_name(member.name)
        return (person_id, household_id, self.commune_id, village.id, f"{index:02d}", member.name, key,
                member.relation, "M" if member.male else "F", REFERENCE_YEAR - member.age, member.birth_date,
                member.ethnicity, member.disability, self.clans[member.family], member.national_id)

    def _survey_rows(self, person_id: int, member: Member) -> list[tuple]:
        rng = self.rng
        defects = self.counts.defects
        birth_year = REFERENCE_YEAR - member.age
        # The person's facts copied onto each record, in the order of COPIED_FROM_PERSON.
        copies = ("M" if member.male else "F", birth_year, member.ethnicity, member.disability)
        rows = []
        for year in SURVEY_YEARS:
            if year < birth_year or (year == SURVEY_YEARS[0] and member.skip_2025):
                continue
            if year == REFERENCE_YEAR and rng.random() < 0.0005:
                defects["2025 record without a 2026 record"] += 1
                continue
            status = member.left[0] if member.left and member.left[1] <= year else "present"
            facts = _observe(year, birth_year, member.career)
            level, grade, preschool, primary, lower, highest, literacy = facts
            if year == REFERENCE_YEAR and level == EnrolledLevel.PRIMARY and rng.random() < 0.002:
                grade = 7
                defects["grade contradicting the level"] += 1
            if year == REFERENCE_YEAR and primary and literacy is None and member.age >= 15 \
                    and rng.random() < 0.001:
                literacy = 2
                defects["literacy stage recorded for a primary completer"] += 1
            rows.append((person_id, year, self.commune_id, status, level, grade, preschool, primary,
                         lower, highest, literacy, *copies))
        return rows


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def write_population(plans: Sequence[CommunePlan], seed: int) -> PopulationCounts:
    """Generate and insert the households, persons, clans and surveys of the plans (caller's transaction)."""
    counts = PopulationCounts()
    writer = _Writer()
    ids = _Ids()
    with tuned_connection(), bulk_load(force=True):
        for plan in plans:
            if plan.persons > 0:
                _Commune(plan, seed, writer, ids, counts).run()
    return counts


def remove_population(communes: Sequence[Unit]) -> int:
    """Delete the demo's persons, surveys, households and clans of the communes; returns persons deleted.

    Raw deletes (the audit's catch-all signals would otherwise fetch every row);
    households and clans still holding a real person are kept.
    """
    commune_ids = [commune.pk for commune in communes]
    persons = Person.objects.filter(is_demo=True, commune_id__in=commune_ids)
    count = persons.count()
    homes = Household.objects.filter(is_demo=True, commune_id__in=commune_ids)
    clans = Clan.objects.filter(is_demo=True, commune_id__in=commune_ids)
    for model, doomed in (
        (SurveyRecord, SurveyRecord.objects.filter(person__in=persons.values("pk"))),
        (Person, persons),
        (Household, homes.exclude(Exists(Person.objects.filter(household=OuterRef("pk"))))),
        (Clan, clans.exclude(Exists(Person.objects.filter(clan=OuterRef("pk"))))),
    ):
        sql, params = doomed.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608
    return count
