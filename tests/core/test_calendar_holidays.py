"""The named holiday blocks of a year, against the State Council's published calendars
(2024–2026): each public holiday with the days off around it."""

from datetime import date

import holidays
import pytest
from django.utils import translation

from safetyzone.calendar import HOLIDAYS, holiday_block, holiday_blocks


@pytest.mark.parametrize(
    ("key", "year", "first", "last"),
    [
        ("spring_festival", 2024, date(2024, 2, 10), date(2024, 2, 17)),  # 8 days
        ("spring_festival", 2025, date(2025, 1, 28), date(2025, 2, 4)),  # 8 days
        ("spring_festival", 2026, date(2026, 2, 15), date(2026, 2, 23)),  # 9 days
        ("national_day", 2024, date(2024, 10, 1), date(2024, 10, 7)),
        ("national_day", 2025, date(2025, 10, 1), date(2025, 10, 8)),  # with Mid-Autumn
        ("mid_autumn", 2025, date(2025, 10, 1), date(2025, 10, 8)),
        ("national_day", 2026, date(2026, 10, 1), date(2026, 10, 7)),
        ("dragon_boat", 2024, date(2024, 6, 8), date(2024, 6, 10)),
        ("dragon_boat", 2025, date(2025, 5, 31), date(2025, 6, 2)),
        ("labour_day", 2026, date(2026, 5, 1), date(2026, 5, 5)),
        ("qingming", 2026, date(2026, 4, 4), date(2026, 4, 6)),
        ("new_year", 2024, date(2023, 12, 30), date(2024, 1, 1)),  # starts the year before
    ],
)
def test_a_holidays_block_is_its_run_of_days_off(key, year, first, last):
    block = holiday_block(key, year)

    assert (block.first, block.last) == (first, last)
    # holidays.China agrees: every day of the block off, the days either side working.
    cn = holidays.China(years={year - 1, year, year + 1})

    def off(d: date) -> bool:
        return d in cn or (d.weekday() >= 5 and d not in cn.weekend_workdays)

    assert all(off(d) for d in block.days())
    assert not off(block.first - date.resolution) and not off(block.last + date.resolution)


def test_every_year_has_all_seven_holidays_in_the_order_of_the_year():
    for year in (2024, 2025, 2026):
        blocks = holiday_blocks(year)
        assert {b.name_key for b in blocks} == set(HOLIDAYS)
        assert [b.first for b in blocks] == sorted(b.first for b in blocks)


def test_a_block_is_named_by_its_holiday():
    with translation.override("en"):
        assert holiday_block("national_day", 2026).name == "National Day"
