"""The statutory rule library judged against a table of cases: absent households, ties, exactly
2/3, quorum missed by one."""

from fractions import Fraction

import pytest

from portal.voting.rules import Counts, Threshold, judge, library


def counts(registered, present, votes, cast=None, households=None, households_present=None):
    return Counts(registered=registered, registered_households=households or registered,
                  present=present, households_present=households_present or 0,
                  cast=present if cast is None else cast, votes=votes)


def test_library_has_every_statutory_rule_with_its_basis():
    rules = library()
    assert set(rules) == {"villagers_meeting", "representatives_meeting", "recall",
                          "land_adjustment", "one_matter_one_meeting"}
    assert "第二十二条" in rules["villagers_meeting"].basis
    assert "第二十六条" in rules["representatives_meeting"].basis
    assert "第十六条" in rules["recall"].basis
    assert "第二十八条" in rules["land_adjustment"].basis
    assert rules["land_adjustment"].passing == Threshold("registered", Fraction(2, 3), False)
    assert rules["one_matter_one_meeting"].passing == Threshold("present", Fraction(2, 3), False)


CASES = [
    # (rule, electorate, counts, quorum met, passing options)
    # 村民会议: 100 adults; 50 present is exactly half: not a majority, and 60 of 90 households
    # present is short of 2/3 by one household -> no quorum.
    ("villagers_meeting", "adults", counts(100, 50, {"yes": 40, "no": 10}, households=90,
                                           households_present=59), False, []),
    # ...51 present is a majority: quorum; 26 of 51 is a majority of those present.
    ("villagers_meeting", "adults", counts(100, 51, {"yes": 26, "no": 25}, households=90,
                                           households_present=40), True, ["yes"]),
    # Absent households: only 40 persons of 100, but they come from 60 of 90 households
    # (exactly 2/3): the households alternative holds the meeting.
    ("villagers_meeting", "adults", counts(100, 40, {"yes": 21, "no": 19}, households=90,
                                           households_present=60), True, ["yes"]),
    # A tie among those present passes nothing (过半数 is strict).
    ("villagers_meeting", "adults", counts(100, 60, {"yes": 30, "no": 30}, households=90,
                                           households_present=50), True, []),
    # Household electorate: 30 households, 20 voted = exactly 2/3: quorum.
    ("villagers_meeting", "households", counts(30, 20, {"yes": 11, "no": 9},
                                               households_present=20), True, ["yes"]),
    # ...19 households: quorum missed by one.
    ("villagers_meeting", "households", counts(30, 19, {"yes": 19, "no": 0},
                                               households_present=19), False, []),
    # 村民代表会议: 30 members, 20 = exactly 2/3: quorum; 11 of 20 passes, 10 of 20 (tie) not.
    ("representatives_meeting", "representatives", counts(30, 20, {"yes": 11, "no": 9}),
     True, ["yes"]),
    ("representatives_meeting", "representatives", counts(30, 20, {"yes": 10, "no": 10}),
     True, []),
    ("representatives_meeting", "representatives", counts(30, 19, {"yes": 19, "no": 0}),
     False, []),
    # 罢免: a majority of registered voters must vote, a majority of those voting agree;
    # blank ballots count as present but not as cast.
    ("recall", "adults", counts(200, 101, {"yes": 51, "no": 40}, cast=91), True, ["yes"]),
    ("recall", "adults", counts(200, 100, {"yes": 100, "no": 0}), False, []),
    ("recall", "adults", counts(200, 150, {"yes": 70, "no": 70}, cast=140), True, []),
    # Land adjustment: 2/3 of all members of the meeting, whoever turned up.
    ("land_adjustment", "adults", counts(90, 70, {"yes": 60, "no": 10}), True, ["yes"]),
    ("land_adjustment", "adults", counts(90, 90, {"yes": 59, "no": 31}), True, []),
    ("land_adjustment", "representatives", counts(30, 25, {"yes": 20, "no": 5}), True, ["yes"]),
    # 一事一议: exactly 2/3 of those present passes, one less does not.
    ("one_matter_one_meeting", "adults", counts(100, 60, {"yes": 40, "no": 20}), True, ["yes"]),
    ("one_matter_one_meeting", "adults", counts(100, 60, {"yes": 39, "no": 21}), True, []),
    ("one_matter_one_meeting", "representatives", counts(30, 21, {"yes": 14, "no": 7}),
     True, ["yes"]),
]


@pytest.mark.parametrize(("code", "electorate", "case", "quorum", "winners"), CASES)
def test_rule_table(code, electorate, case, quorum, winners):
    verdict = judge(library()[code], electorate, case)
    assert verdict.quorum_met is quorum
    assert verdict.winners == winners


def test_needed_counts_are_exact():
    half = Threshold("present", Fraction(1, 2), True)
    two_thirds = Threshold("present", Fraction(2, 3), False)
    assert [half.needed(n) for n in (10, 11, 1)] == [6, 6, 1]
    assert [two_thirds.needed(n) for n in (30, 31, 3)] == [20, 21, 2]
    assert not half.met(1, 0) and not two_thirds.met(0, 0)
