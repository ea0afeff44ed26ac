"""Working days across National Day and the Spring Festival with their 调休 Saturdays."""

from datetime import date

from portal.core.workdays import add_working_days, calendar_known, is_workday, working_days_between


def test_national_day_2026():
    # 2026: 1-7 October off; Saturday 10 October is a make-up working day.
    assert not is_workday(date(2026, 10, 1))
    assert not is_workday(date(2026, 10, 7))
    assert is_workday(date(2026, 10, 10))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_spring_festival_2026():
    # 2026 春节: 15-23 February off; Saturday 14 and Saturday 28 February are working days.
    assert is_workday(date(2026, 2, 14))
    assert not is_workday(date(2026, 2, 17))
    assert is_workday(date(2026, 2, 28))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_twenty_working_days_span_the_holiday():
    assert add_working_days(date(2026, 9, 25), 20) == date(2026, 10, 29)
    assert working_days_between(date(2026, 9, 25), date(2026, 10, 29)) == 20


def test_unknown_year_falls_back_to_weekdays():
    assert not calendar_known(date(2031, 10, 1))
    assert is_workday(date(2031, 10, 1))  # a Wednesday; the holiday notice is not out yet
    assert not is_workday(date(2031, 10, 4))  # a Saturday
    assert add_working_days(date(2031, 10, 3), 1) == date(2031, 10, 6)
