"""Policies: what applies from above, each policy's status and links, and the staff form."""
# ruff: noqa: F811  (the people and standard fixtures are imported from tests.test_content)

from datetime import date

import pytest

from portal.content import operations as ops
from portal.content.models import Item
from portal.extensions import db
from portal.policies.queries import site_policies
from portal.sites.models import Site
from tests.conftest import csrf_from
from tests.test_content import OTHER, TOWNSHIP, VILLAGE, people, who  # noqa: F401

CITY, DISTRICT = "510100000000", "510117000000"
SIBLING_VILLAGE = "510117005200"  # same district, another township

POLICY = {"category": "A11.02", "period": "2026-03-01", "title": "郫都区耕地地力保护补贴实施办法",
          "body": "为稳定粮食生产，对承包耕地的农户发放补贴。"}
FIELDS = {"doc_no": "郫府发〔2026〕3号", "issuer": "成都市郫都区人民政府",
          "issued_on": "2026-02-20", "effective_on": "2026-03-01", "validity": "有效"}


@pytest.fixture
def upper(people, make_user):
    """Publishers and supervisors of the city, the district and the township, and the village's."""
    return {
        **people,
        "c_pub": make_user("13900000021", "市发布员", roles=[(CITY, "publisher")]),
        "c_rev": make_user("13900000022", "市审核员", roles=[(CITY, "supervisor")]),
        "d_pub": make_user("13900000011", "区发布员", roles=[(DISTRICT, "publisher")]),
        "d_rev": make_user("13900000012", "区审核员", roles=[(DISTRICT, "supervisor")]),
        "t_rev": make_user("13900000013", "镇审核员", roles=[(TOWNSHIP, "supervisor")]),
    }


PUBLISHERS = {CITY: ("c_pub", "c_rev"), DISTRICT: ("d_pub", "d_rev"),
              TOWNSHIP: ("township", "t_rev")}


def publish_policy(upper, site=DISTRICT, fields=None, **data):
    """Publish a policy at an upper site through the ordinary workflow; returns its item."""
    publisher, reviewer = PUBLISHERS[site]
    data = {**POLICY, **data}
    fields = {**FIELDS, "title": data["title"], **(fields or {})}
    item = ops.create_item(who(upper, publisher), Site.by_code(site), {**data, "fields": fields})
    ops.submit_item(who(upper, publisher), item.site, item)
    ops.countersign_item(who(upper, reviewer), item.site, item)
    db.session.commit()
    return item


def statuses(code, today=date(2026, 11, 1)):
    return {p.item_id: p.status for p in site_policies(Site.by_code(code), today)}


def page(client, code, **args):
    response = client.get(f"/s/{code}/policies/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_district_policy_shows_below_with_its_publisher_and_not_in_another_district(
        client, app, upper):
    with app.app_context():
        publish_policy(upper)
        district = Site.by_code(DISTRICT).short_name
    text = page(client, VILLAGE)
    assert POLICY["title"] in text and "郫府发〔2026〕3号" in text
    assert f"{district}发布" in text and "现行有效" in text
    assert "成都市郫都区人民政府" in text and "2026-02-20" in text and "2026-03-01" in text
    assert POLICY["title"] in page(client, SIBLING_VILLAGE)  # the whole district
    assert POLICY["title"] not in page(client, OTHER)  # 锦江区 is another branch
    assert "本级发布" in page(client, DISTRICT)


def test_township_policy_stays_in_its_township(client, app, upper):
    with app.app_context():
        publish_policy(upper, TOWNSHIP, fields={"doc_no": "安德街发〔2026〕1号"},
                       title="安德街道人居环境整治奖补办法")
    assert "安德街道人居环境整治奖补办法" in page(client, VILLAGE)
    assert "安德街道人居环境整治奖补办法" not in page(client, SIBLING_VILLAGE)
    assert "安德街道人居环境整治奖补办法" not in page(client, DISTRICT)  # nothing flows upward


def test_filters_by_level_year_category_and_status(client, app, upper):
    with app.app_context():
        publish_policy(upper, CITY, fields={"doc_no": "成府发〔2025〕9号", "issued_on": "2025-06-01"},
                       title="成都市城乡居民医保办法")
        publish_policy(upper, DISTRICT, title="郫都区耕保补贴办法")
        publish_policy(upper, TOWNSHIP, fields={"doc_no": "安德街发〔2026〕2号"},
                       category="B09.01", title="安德街道涉农补贴清单")
        publish_policy(upper, DISTRICT, fields={"doc_no": "郫府发〔2024〕1号", "issued_on": "2024-01-05",
                                         "validity": "已失效"}, title="郫都区旧补贴办法")
    everything = page(client, VILLAGE)
    for title in ("成都市城乡居民医保办法", "郫都区耕保补贴办法", "安德街道涉农补贴清单"):
        assert title in everything
    assert "郫都区旧补贴办法" not in everything  # 现行有效 by default
    only_city = page(client, VILLAGE, level="city")
    assert "成都市城乡居民医保办法" in only_city and "郫都区耕保补贴办法" not in only_city
    only_township = page(client, VILLAGE, level="township")
    assert "安德街道涉农补贴清单" in only_township and "成都市城乡居民医保办法" not in only_township
    assert "没有符合条件的政策文件" in page(client, VILLAGE, level="own")
    in_2025 = page(client, VILLAGE, year="2025")
    assert "成都市城乡居民医保办法" in in_2025 and "郫都区耕保补贴办法" not in in_2025
    subsidies = page(client, VILLAGE, category="B09.01")
    assert "安德街道涉农补贴清单" in subsidies and "郫都区耕保补贴办法" not in subsidies
    expired = page(client, VILLAGE, status="expired")
    assert "郫都区旧补贴办法" in expired and "郫都区耕保补贴办法" not in expired
    assert "郫都区旧补贴办法" in page(client, VILLAGE, status="all")
    # Values the form does not offer are ignored rather than failing.
    assert "郫都区耕保补贴办法" in page(client, VILLAGE, level="nowhere", status="x", year="y")
    form = everything.split('class="filter policy-filter"')[1].split("</form>")[0]
    assert 'name="level"' in form and 'value="district"' in form and 'value="own"' in form


def test_paging_keeps_the_filters(client, app, upper, monkeypatch):
    monkeypatch.setattr("portal.policies.views.PER_PAGE", 1)
    with app.app_context():
        publish_policy(upper, title="第一件政策")
        publish_policy(upper, fields={"issued_on": "2026-02-21"}, title="第二件政策")
    first = page(client, VILLAGE, level="district")
    assert "第二件政策" in first and "第一件政策" not in first
    assert "page=2" in first and "level=district" in first
    second = page(client, VILLAGE, level="district", page=2)
    assert "第一件政策" in second and "第二件政策" not in second


def test_replaced_and_abolished_statuses(ctx, upper):
    old = publish_policy(upper, title="旧办法")
    new = publish_policy(upper, fields={"doc_no": "郫府发〔2026〕8号", "replaces": old.id},
                         title="新办法")
    abolished = publish_policy(upper, fields={"validity": "已废止"}, title="废止的办法")
    amended = publish_policy(upper, fields={"validity": "已修订"}, title="修订过的办法")
    expiring = publish_policy(upper, fields={"expires_on": "2026-10-31"}, title="到期的办法")
    found = statuses(VILLAGE)
    assert found[old.id] == "repealed" and found[new.id] == "in_force"
    assert found[abolished.id] == "repealed" and found[amended.id] == "amended"
    assert found[expiring.id] == "expired"
    assert statuses(VILLAGE, date(2026, 10, 30))[expiring.id] == "in_force"


def test_replacement_counts_from_its_effective_date_and_only_from_above(ctx, upper):
    old = publish_policy(upper, title="旧办法")
    publish_policy(upper, fields={"replaces": old.id, "effective_on": "2027-01-01"},
                   title="明年施行的新办法")
    assert statuses(VILLAGE)[old.id] == "in_force"
    assert statuses(VILLAGE, date(2027, 1, 1))[old.id] == "repealed"
    district = publish_policy(upper, title="区里的办法")
    publish_policy(upper, TOWNSHIP, fields={"replaces": district.id}, title="镇里想替代区里的办法")
    assert statuses(VILLAGE)[district.id] == "in_force"  # a township cannot repeal the district


def test_withdrawn_replacement_repeals_nothing(ctx, upper):
    old = publish_policy(upper, title="旧办法")
    new = publish_policy(upper, fields={"replaces": old.id}, title="新办法")
    ops.withdraw_item(who(upper, "d_pub"), new.site, new, "文号有误，重新发布")
    db.session.commit()
    found = statuses(VILLAGE)
    assert found[old.id] == "in_force" and found[new.id] == "withdrawn"


def test_policies_page_links_replacements_and_interpretations(client, app, upper):
    with app.app_context():
        old = publish_policy(upper, title="旧补贴办法")
        new = publish_policy(upper, fields={"doc_no": "郫府发〔2026〕8号", "replaces": old.id},
                             title="新补贴办法")
        note = publish_policy(upper, fields={"doc_no": "郫农解〔2026〕1号", "interprets": new.id},
                              title="《新补贴办法》政策解读")
        old_id, new_id, note_id = old.id, new.id, note.id
    text = page(client, VILLAGE)
    assert "旧补贴办法</a>" not in text.split("新补贴办法</a>")[0]  # repealed: not in force
    card = text.split(f'id="policy-{new_id}"')[1].split("</article>")[0]
    assert "替代文件" in card and f"/s/{DISTRICT}/items/{old_id}" in card
    assert "政策解读" in card and f"/s/{DISTRICT}/items/{note_id}" in card
    everything = page(client, VILLAGE, status="all")
    old_card = everything.split(f'id="policy-{old_id}"')[1].split("</article>")[0]
    assert "已废止" in old_card and "已被替代" in old_card
    assert f"/s/{DISTRICT}/items/{new_id}" in old_card
    assert "2026-03-01" in old_card  # 废止日期: when the new one took effect
    abolished = page(client, VILLAGE, status="repealed")
    assert f'id="policy-{old_id}"' in abolished and f'id="policy-{new_id}"' not in abolished


def test_item_page_shows_the_policy_facts_and_follows_links(client, app, upper):
    with app.app_context():
        old = publish_policy(upper, title="旧办法")
        new = publish_policy(upper, fields={"replaces": old.id}, title="新办法")
        other = publish_policy(upper, TOWNSHIP, fields={"doc_no": "安德街发〔2026〕5号"}, title="镇办法")
        old_id, new_id, other_id = old.id, new.id, other.id
    text = client.get(f"/s/{DISTRICT}/items/{new_id}").get_data(as_text=True)
    assert "文号" in text and "郫府发〔2026〕3号" in text and "成都市郫都区人民政府" in text
    assert "效力状态" in text and "施行日期" in text
    link = f"/s/{DISTRICT}/policies/{old_id}"
    assert link in text
    response = client.get(link)
    assert response.status_code == 302
    assert response.location.endswith(f"/s/{DISTRICT}/items/{old_id}")
    # Links resolve along the branch only: 锦江区 knows nothing of 郫都区's documents.
    assert client.get(f"/s/{OTHER}/policies/{old_id}").status_code == 404
    assert client.get(f"/s/{VILLAGE}/policies/{other_id}").status_code == 302
    assert client.get(f"/s/{SIBLING_VILLAGE}/policies/{other_id}").status_code == 404


def test_policies_page_is_public_and_cached(client, upper):
    first = client.get(f"/s/{VILLAGE}/policies/")
    assert first.status_code == 200 and "ETag" in first.headers
    assert client.get(f"/s/{VILLAGE}/policies/",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/s/999999999999/policies/").status_code == 404


# ---- the staff form ------------------------------------------------------


def test_new_item_page_offers_the_policy_fields_without_javascript(client, auth, upper):
    auth.login("13900000011")
    plain = client.get(f"/manage/s/{DISTRICT}/items/new").get_data(as_text=True)
    assert 'name="f_doc_no"' not in plain
    assert f"/manage/s/{DISTRICT}/items/new?category=A11.02" in plain
    policy = client.get(f"/manage/s/{DISTRICT}/items/new?category=A11.02").get_data(as_text=True)
    for name in ("f_doc_no", "f_issuer", "f_issued_on", "f_validity", "f_replaces"):
        assert f'name="{name}"' in policy
    assert '<label for="f_doc_no">文号</label>' in policy
    assert '<option selected value="A11.02">' in policy


def _form(fields):
    return {**POLICY, **{f"f_{k}": v for k, v in fields.items()}}


def test_missing_doc_no_is_named_next_to_the_field_and_nothing_saved(client, auth, app, upper):
    auth.login("13900000011")
    url = f"/manage/s/{DISTRICT}/items/new?category=A11.02"
    response = client.submit(url, _form({**FIELDS, "doc_no": ""}),
                             post_url=f"/manage/s/{DISTRICT}/items/new")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert '<p class="error" id="f_doc_no-error">请填写文号</p>' in text
    assert 'name="f_issuer"' in text and 'value="成都市郫都区人民政府"' in text  # kept as typed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Item.id))) == 0


def test_bad_validity_is_refused_in_chinese(client, auth, app, upper):
    auth.login("13900000011")
    response = client.submit(f"/manage/s/{DISTRICT}/items/new?category=A11.02",
                             _form({**FIELDS, "validity": "很有效"}),
                             post_url=f"/manage/s/{DISTRICT}/items/new")
    assert response.status_code == 422
    assert 'id="f_validity-error">效力状态应为：有效、已修订、已废止、已失效' in response.get_data(
        as_text=True)


def test_staff_form_saves_the_policy_fields(client, auth, app, upper):
    auth.login("13900000011")
    response = client.submit(f"/manage/s/{DISTRICT}/items/new?category=A11.02",
                             _form(FIELDS), post_url=f"/manage/s/{DISTRICT}/items/new")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(db.select(Item))
        values = item.draft_field_values
    assert values["doc_no"] == "郫府发〔2026〕3号" and values["validity"] == "有效"
    assert values["title"] == POLICY["title"]  # the document title defaults to the item's
    edit = client.get(response.location).get_data(as_text=True)
    assert 'value="郫府发〔2026〕3号"' in edit and '<option selected value="有效">' in edit
    token = csrf_from(edit)
    changed = client.raw.post(response.location, data={
        **_form({**FIELDS, "doc_no": "郫府发〔2026〕4号"}), "csrf_token": token})
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Item)).draft_field_values["doc_no"] == "郫府发〔2026〕4号"


def test_ordinary_category_keeps_the_plain_form(client, auth, app, people):
    from tests.test_content import DECISION

    auth.login("13900000001")
    response = client.submit(f"/manage/s/{VILLAGE}/items/new", DECISION)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Item)).draft_field_values == {}
