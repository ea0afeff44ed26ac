"""The site tree: importing division files, finding a village, site pages."""

import pytest

from portal.extensions import db
from portal.sites.models import Site, find_sites
from portal.sites.names import pinyin_keys, short_name
from portal.sites.operations import DivisionFileError, import_divisions, import_paths
from tests.conftest import division_files


def test_short_names_and_initials():
    assert short_name("水井坊社区居委会") == "水井坊社区"
    assert short_name("安龙村村民委员会") == "安龙村"
    assert short_name("锦官驿街道办事处") == "锦官驿街道"
    assert short_name("郫都区") == "郫都区"
    full, firsts, shengmu = pinyin_keys("水井坊社区")
    assert full == "shuijingfangshequ"
    assert firsts == "sjfsq"
    assert shengmu == "shjfshq"


def test_import_builds_the_tree(tree):
    village = tree["510117004200"]
    assert village.name == "安龙村村民委员会"
    assert village.short_name == "安龙村"
    assert village.level == "village"
    assert tree["510117004000"].level == "township"
    assert tree["510117000000"].level == "district"
    assert tree["510100000000"].level == "city"
    assert village.parent_id == tree["510117004000"].id


def test_subtree_is_a_code_prefix(ctx, tree):
    district = Site.by_code("510117000000")
    codes = set(db.session.scalars(db.select(Site.code).where(district.subtree())))
    assert codes == {c for c in tree if c.startswith("510117")}
    township = Site.by_code("510104017000")
    assert {s.code for s in db.session.scalars(db.select(Site).where(township.subtree()))} == {
        "510104017000", "510104017001", "510104017002"}


def test_import_twice_duplicates_nothing(ctx, tree):
    result = import_divisions(division_files())
    db.session.commit()
    assert sum(result.created.values()) == 0
    assert result.unchanged == len(tree)
    assert db.session.scalar(db.select(db.func.count(Site.id))) == len(tree)


def test_bad_rows_are_named_and_nothing_is_imported(ctx):
    files = division_files()
    name, text = files[3]
    lines = text.splitlines()
    lines.append("51011700420X,坏代码村,510117004,51,5101,510117")
    lines.append("510117004299,,510117004,51,5101,510117")
    lines.append("510117099201,无上级村村民委员会,510117099,51,5101,510117")
    files[3] = (name, "\n".join(lines) + "\n")
    with pytest.raises(DivisionFileError) as info:
        import_divisions(files)
    problems = "\n".join(info.value.problems)
    assert "villages.csv:8" in problems and "12 位数字" in problems
    assert "villages.csv:9" in problems and "名称为空" in problems
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


def test_missing_parent_is_refused_as_a_whole(ctx):
    files = [f for f in division_files() if f[0] == "villages.csv"]
    with pytest.raises(DivisionFileError) as info:
        import_divisions(files)
    assert "找不到上级单位" in info.value.problems[0]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


def test_unknown_header_is_refused(ctx):
    with pytest.raises(DivisionFileError) as info:
        import_divisions([("x.csv", "id,title\n1,a\n")])
    assert "code,name" in info.value.problems[0]


def test_cli_import_within_prefix(runner, app, tmp_path):
    for name, text in division_files():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in ("villages.csv", "streets.csv", "areas.csv", "cities.csv")]
    result = runner.invoke(args=["sites", "import", *paths, "--within", "510104"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        codes = set(db.session.scalars(db.select(Site.code)))
    assert "510104017001" in codes and "510100000000" in codes
    assert not any(c.startswith("510117") for c in codes)


def test_cli_import_reports_bad_line(runner, tmp_path):
    bad = tmp_path / "cities.csv"
    bad.write_text("code,name,provinceCode\n51A1,成都市,51\n", encoding="utf-8")
    result = runner.invoke(args=["sites", "import", str(bad)])
    assert result.exit_code != 0
    assert "cities.csv:2" in result.output


@pytest.mark.parametrize(
    "query, expected",
    [("shjf", "510104017001"), ("sjf", "510104017001"), ("shuijingfang", "510104017001"),
     ("水井坊", "510104017001"), ("SHJF", "510104017001"), ("alc", "510117004200"),
     ("安龙", "510117004200"), ("5101170042", "510117004200")],
)
def test_finder(ctx, tree, query, expected):
    assert expected in [s.code for s in find_sites(query)]


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "' OR 1=1 --", "x" * 500, "\x00"])
def test_finder_survives_odd_input(ctx, tree, query):
    assert find_sites(query) == [] or all(isinstance(s, Site) for s in find_sites(query))


def test_home_finds_by_pinyin(client, tree):
    page = client.get("/?q=shjf").get_data(as_text=True)
    assert "水井坊社区" in page
    assert "锦江区 / 锦官驿街道" in page


def test_home_says_when_nothing_found(client, tree):
    response = client.get("/?q=zzzzqq")
    assert response.status_code == 200
    assert "没有找到" in response.get_data(as_text=True)


def test_home_browses_districts(client, tree):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/s/510104000000/"' in page and "郫都区" in page


def test_site_page_has_breadcrumb_and_children(client, tree):
    page = client.get("/s/510117004000/").get_data(as_text=True)
    assert "成都市" in page and "郫都区" in page
    assert 'href="/s/510117004200/"' in page and "安龙村" in page
    village = client.get("/s/510117004200/").get_data(as_text=True)
    assert 'href="/s/510117004000/"' in village  # breadcrumb up to the township


@pytest.mark.parametrize("code", ["999999999999", "5101", "abc", "510117004200x"])
def test_unknown_code_is_a_chinese_404_with_the_finder(client, tree, code):
    response = client.get(f"/s/{code}/")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "页面不存在" in page and 'id="finder-q"' in page


def test_shipped_chengdu_counts(ctx):
    from portal.config import DIVISIONS_DIR

    result = import_paths(sorted((DIVISIONS_DIR / "chengdu").glob("*.csv")))
    db.session.commit()
    assert result.created == {"city": 1, "district": 20, "township": 261, "village": 3047}
