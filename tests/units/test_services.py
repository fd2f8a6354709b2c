"""Unit, room, standard, assessment and subsidy services: what they do, and what they refuse."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.models import Event
from shangliang.units import selectors, services
from shangliang.units.models import Assessment, Room, RoomStage, Subsidy, Unit, UnitKind
from tests.conftest import fresh
from tests.uploads import png


def all_pass(standard, **overrides):
    return [
        services.ItemResult(item_id=i.pk, passed=overrides.get(i.name, True), note="", evidence_date=None)
        for i in standard.items.all()
    ]


@pytest.fixture
def staff(world):
    return fresh(world.users["staff"])


@pytest.fixture
def convenor(world):
    return fresh(world.users["convenor"])


class TestUnits:
    def test_convenor_adds_village_under_own_town(self, world, convenor):
        village = services.unit_create(actor=convenor, parent=world.t1, name=" 新村 ", kind=UnitKind.VILLAGE)
        assert village.name == "新村"
        assert Unit.objects.get_parent(village).pk == world.t1.pk
        assert village.county_id == world.a.pk
        assert Event.objects.filter(object_id=village.pk, action="create").exists()

    def test_convenor_cannot_add_under_sibling_town(self, world, convenor):
        with pytest.raises(NotAllowed):
            services.unit_create(actor=convenor, parent=world.t2, name="新村", kind=UnitKind.VILLAGE)
        assert not Unit.objects.filter(name="新村").exists()

    @pytest.mark.parametrize(
        ("name", "message"), [("", "请填写单元名称"), ("   ", "请填写单元名称"), ("村" * 101, "不能超过 100 个字")]
    )
    def test_bad_names_refused(self, world, staff, name, message):
        count = Unit.objects.count()
        with pytest.raises(InvalidInput, match=message):
            services.unit_create(actor=staff, parent=world.t1, name=name, kind=UnitKind.VILLAGE)
        assert Unit.objects.count() == count

    def test_wrong_kind_under_parent_refused(self, world, staff):
        with pytest.raises(InvalidInput, match="不能设在"):
            services.unit_create(actor=staff, parent=world.v1, name="某镇", kind=UnitKind.TOWN)

    def test_unknown_kind_refused(self, world, staff):
        with pytest.raises(InvalidInput, match="单元类型不正确"):
            services.unit_create(actor=staff, parent=world.t1, name="某村", kind="castle")

    def test_script_tags_kept_as_text(self, world, staff, client):
        village = services.unit_create(
            actor=staff, parent=world.t1, name="<script>alert(1)</script>", kind=UnitKind.VILLAGE
        )
        client.force_login(world.users["staff"])
        html = client.get(f"/units/{village.pk}/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html

    def test_move_under_own_descendant_refused(self, world, staff):
        with pytest.raises(InvalidInput, match="不能把单元移到它自己或它的下级单元之下"):
            services.unit_move(actor=staff, unit=world.t1, new_parent=world.v1)
        with pytest.raises(InvalidInput, match="不能把单元移到它自己"):
            services.unit_move(actor=staff, unit=world.t1, new_parent=world.t1)
        world.t1.refresh_from_db()
        assert world.t1.depth == 2

    def test_move_village_between_towns_keeps_subtree_queries_true(self, world, staff):
        services.unit_move(actor=staff, unit=world.v1, new_parent=world.t2)
        world.t2.refresh_from_db()
        names = set(Unit.objects.filter(path__startswith=world.t2.path).values_list("name", flat=True))
        assert names == {"二镇", "三村", "一村"}
        assert Room.objects.filter(unit__path__startswith=world.t1.path).count() == 2  # t1's and v2's

    def test_move_across_counties_refused_for_county_staff(self, world, staff):
        with pytest.raises(NotAllowed):
            services.unit_move(actor=staff, unit=world.v1, new_parent=world.tb)

    def test_convenor_cannot_move(self, world, convenor):
        with pytest.raises(NotAllowed):
            services.unit_move(actor=convenor, unit=world.v1, new_parent=world.t1)


class TestRooms:
    def test_stage_history_and_operational_year(self, world, convenor):
        room = services.room_create(
            actor=convenor, unit=world.v2, name="二村议事亭", kind="pavilion", stage=RoomStage.PLANNED, stage_year=2021
        )
        assert room.operational_since is None
        services.room_set_stage(actor=convenor, room=room, stage=RoomStage.PILOT, year=2022)
        services.room_set_stage(actor=convenor, room=room, stage=RoomStage.DEMONSTRATION, year=2024, note="示范点")
        room.refresh_from_db()
        assert (room.stage, room.stage_year, room.operational_since) == (RoomStage.DEMONSTRATION, 2024, 2022)
        assert list(room.stage_records.values_list("stage", "year")) == [
            ("planned", 2021),
            ("pilot", 2022),
            ("demonstration", 2024),
        ]

    def test_stage_year_cannot_go_back(self, world, convenor):
        room = world.rooms["一村"]
        with pytest.raises(InvalidInput, match="年份不能早于"):
            services.room_set_stage(actor=convenor, room=room, stage=RoomStage.DEMONSTRATION, year=2020)

    def test_county_has_no_room(self, world, staff):
        with pytest.raises(InvalidInput, match="不设协商议事室"):
            services.room_create(actor=staff, unit=world.a, name="县室", kind="room", stage="built", stage_year=2022)

    @pytest.mark.parametrize("year", ["abc", "1800", "3000", None])
    def test_bad_years(self, world, convenor, year):
        with pytest.raises(InvalidInput):
            services.room_create(actor=convenor, unit=world.v2, name="室", kind="room", stage="built", stage_year=year)


class TestAssessments:
    def test_all_items_pass_makes_room_meet_standard(self, world, convenor):
        room = world.rooms["一村"]
        standard = world.standard_a
        a = services.room_assess(actor=convenor, room=room, assessed_on=date(2023, 5, 1), results=all_pass(standard))
        assert a.passed and a.results.count() == 5

    def test_one_failed_item_fails(self, world, convenor):
        results = all_pass(world.standard_a, 有标识=False)
        a = services.room_assess(
            actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
        )
        assert not a.passed

    def test_missing_item_refused(self, world, convenor):
        results = all_pass(world.standard_a)[:-1]
        with pytest.raises(InvalidInput, match="尚未评估：有标识"):
            services.room_assess(
                actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
            )
        assert not Assessment.objects.exists()

    def test_forged_item_from_other_county_refused(self, world, convenor):
        other_item = world.tb.county.standards.get().items.first()
        results = all_pass(world.standard_a)
        results[0] = services.ItemResult(item_id=other_item.pk, passed=True)
        with pytest.raises(InvalidInput, match="与现行标准不符"):
            services.room_assess(
                actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
            )

    def test_future_date_refused(self, world, convenor):
        with pytest.raises(InvalidInput, match="不能晚于今天"):
            services.room_assess(
                actor=convenor,
                room=world.rooms["一村"],
                assessed_on=date.today() + timedelta(days=2),
                results=all_pass(world.standard_a),
            )

    def test_photo_evidence_stored_under_generated_name(self, world, convenor):
        results = all_pass(world.standard_a)
        results[0].photo = png(size=(4, 4), name="../../etc/passwd.png")
        a = services.room_assess(
            actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
        )
        photo = a.results.get(item_id=results[0].item_id).photo
        assert photo.name.startswith("evidence/assessments/") and ".." not in photo.name
        assert photo.name.endswith(".png")

    def test_non_image_photo_refused(self, world, convenor):
        results = all_pass(world.standard_a)
        results[0].photo = SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")
        with pytest.raises(InvalidInput, match="不是有效的图片"):
            services.room_assess(
                actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
            )
        assert not Assessment.objects.exists()

    def test_oversized_photo_refused(self, world, convenor, settings):
        settings.MAX_UPLOAD_IMAGE_BYTES = 100
        results = all_pass(world.standard_a)
        results[0].photo = png(size=(64, 64))
        results[0].photo.size = 1000
        with pytest.raises(InvalidInput, match="图片过大"):
            services.room_assess(
                actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 5, 1), results=results
            )
        assert not Assessment.objects.exists()

    def test_sibling_convenor_cannot_assess(self, world, convenor):
        with pytest.raises(NotAllowed):
            services.room_assess(
                actor=convenor,
                room=world.rooms["三村"],
                assessed_on=date(2023, 5, 1),
                results=all_pass(world.standard_a),
            )


class TestSubsidies:
    def test_staff_records_subsidy(self, world, staff):
        s = services.subsidy_record(
            actor=staff, room=world.rooms["一村"], amount="20,000", year=2024, purpose="委员工作室"
        )
        assert s.amount == Decimal("20000.00")

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("-5", "必须大于零"),
            ("0", "必须大于零"),
            ("abc", "应为数字"),
            ("", "应为数字"),
            ("NaN", "应为数字"),
            ("1.234", "两位小数"),
        ],
    )
    def test_bad_amounts_refused(self, world, staff, amount, message):
        with pytest.raises(InvalidInput, match=message):
            services.subsidy_record(actor=staff, room=world.rooms["一村"], amount=amount, year=2024, purpose="建设")
        assert not Subsidy.objects.exists()

    def test_convenor_cannot_record_subsidy(self, world, convenor):
        with pytest.raises(NotAllowed):
            services.subsidy_record(actor=convenor, room=world.rooms["一村"], amount="100", year=2024, purpose="建设")


class TestStandards:
    def test_new_standard_replaces_old_and_keeps_old_assessments(self, world, staff, convenor):
        old = services.room_assess(
            actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 1, 1), results=all_pass(world.standard_a)
        )
        new = services.standard_create(
            actor=staff, county=world.a, name="六有", items=["有阵地", "有标识", "有制度", "有流程", "有活动", "有成效"]
        )
        assert services.active_standard(world.a).pk == new.pk
        assert new.items.count() == 6
        old.refresh_from_db()
        assert old.standard_id == world.standard_a.pk

    def test_duplicate_or_empty_items_refused(self, world, staff):
        with pytest.raises(InvalidInput, match="不能重复"):
            services.standard_create(actor=staff, county=world.a, name="五有", items=["有组织", "有组织"])
        with pytest.raises(InvalidInput, match="至少需要一个条目"):
            services.standard_create(actor=staff, county=world.a, name="五有", items=["", "  "])
        assert services.active_standard(world.a).pk == world.standard_a.pk

    def test_convenor_cannot_configure(self, world, convenor):
        with pytest.raises(NotAllowed):
            services.standard_item_save(actor=convenor, standard=world.standard_a, name="有网络")


class TestCoverage:
    def test_coverage_by_year_counts_rooms_meeting_standard(self, world, convenor):
        # Every room of the world was built in 2022; none assessed yet: nobody covered.
        assert selectors.coverage(world.t1, year=2022).meeting_standard == 0
        services.room_assess(
            actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 3, 1), results=all_pass(world.standard_a)
        )
        services.room_assess(
            actor=convenor,
            room=world.rooms["二村"],
            assessed_on=date(2023, 3, 1),
            results=all_pass(world.standard_a, 有标识=False),
        )
        y2022, y2023 = selectors.coverage_by_year(world.t1, first_year=2022, last_year=2023)
        assert (y2022.units, y2022.with_room, y2022.meeting_standard) == (3, 3, 0)
        assert (y2023.units, y2023.with_room, y2023.meeting_standard) == (3, 3, 1)
        assert round(y2023.percent, 1) == 33.3
        # Fixing the sign later raises this year's coverage but not 2023's.
        services.room_assess(
            actor=convenor, room=world.rooms["二村"], assessed_on=date(2024, 3, 1), results=all_pass(world.standard_a)
        )
        assert selectors.coverage(world.t1, year=2023).meeting_standard == 1
        assert selectors.coverage(world.t1).meeting_standard == 2

    def test_units_established_later_do_not_count_earlier(self, world, staff):
        services.unit_create(
            actor=staff, parent=world.t1, name="新村", kind=UnitKind.VILLAGE, established_on=date(2024, 6, 1)
        )
        assert selectors.coverage(world.t1, year=2023).units == 3
        assert selectors.coverage(world.t1, year=2024).units == 4

    def test_children_figures_in_one_grouped_query(self, world, convenor, django_assert_max_num_queries):
        services.room_assess(
            actor=convenor, room=world.rooms["一村"], assessed_on=date(2023, 3, 1), results=all_pass(world.standard_a)
        )
        with django_assert_max_num_queries(3):
            children = selectors.children_with_figures(world.a)
        figures = {c.name: (c.subtree_units, c.subtree_covered, c.room_count) for c in children}
        assert figures == {"一镇": (3, 1, 1), "二镇": (2, 0, 1)}
