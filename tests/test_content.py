"""Publishing: drafts, countersigning, the privacy guard, permanence, corrections, withdrawal."""

import io
from datetime import date

import pytest
from sqlalchemy import text
from werkzeug.exceptions import Forbidden

from portal.accounts.models import User
from portal.content import operations as ops
from portal.content.models import Item, ItemRevision
from portal.core.errors import OperationError
from portal.extensions import db
from portal.sites.models import Site

VILLAGE, TOWNSHIP, OTHER = "510117004200", "510117004000", "510104017001"
ID = "11010519491231002X"


@pytest.fixture
def people(standard, make_user):
    """A village publisher, two village supervisors, a township publisher, an outsider."""
    return {
        "publisher": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "supervisor": make_user("13900000002", "周淑华", roles=[(VILLAGE, "supervisor")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "township": make_user("13900000004", "刘芳", roles=[(TOWNSHIP, "publisher")]),
        "outsider": make_user("13900000005", "外人", roles=[(OTHER, "supervisor")]),
        "resident": make_user("13900000006", "张秀英"),
    }


def who(people, key):
    return db.session.get(User, people[key])


DECISION = {"category": "A04.10", "period": "2026-10-15", "title": "关于修建村道的决定",
            "body": "经村民会议表决通过，修建三组至五组村道 1.2 公里。\n\n投资 36 万元。"}


def make_draft(people, data=None, site=VILLAGE, actor="publisher"):
    return ops.create_item(who(people, actor), Site.by_code(site), {**DECISION, **(data or {})})


def publish(people, item, reviewer="supervisor", dissent=""):
    site = item.site
    ops.submit_item(who(people, "publisher"), site, item)
    return ops.countersign_item(who(people, reviewer), site, item, dissent)


def test_draft_submit_countersign_publishes(ctx, people):
    item = make_draft(people)
    assert item.status == "draft" and item.current_revision_id is None
    revision = publish(people, item, dissent="建议公开施工单位的比选过程。")
    db.session.commit()
    assert item.status == "published" and item.current_revision is revision
    assert revision.number == 1 and revision.countersign_role == "supervisor"
    assert revision.dissent == "建议公开施工单位的比选过程。"
    assert len(revision.content_sha256) == 64


def test_submitter_cannot_countersign(ctx, people, make_user):
    both = make_user("13900000009", roles=[(VILLAGE, "publisher"), (VILLAGE, "supervisor")])
    actor = db.session.get(User, both)
    item = ops.create_item(actor, Site.by_code(VILLAGE), DECISION)
    ops.submit_item(actor, item.site, item)
    with pytest.raises(OperationError) as info:
        ops.countersign_item(actor, item.site, item)
    assert "不能会签自己" in info.value.message


def test_publisher_without_review_role_cannot_countersign(ctx, people):
    item = make_draft(people)
    ops.submit_item(who(people, "publisher"), item.site, item)
    with pytest.raises(Forbidden):
        ops.countersign_item(who(people, "township"), item.site, item)
    with pytest.raises(Forbidden):
        ops.countersign_item(who(people, "outsider"), item.site, item)


def test_finance_statement_needs_finance_review(ctx, people):
    item = make_draft(people, {"category": "B03.01", "period": "2026-Q3",
                               "title": "2026年第三季度经营支出", "body": "见附表。"})
    ops.submit_item(who(people, "publisher"), item.site, item)
    revision = ops.countersign_item(who(people, "finance"), item.site, item)
    assert revision.countersign_role == "finance_reviewer"
    decision = make_draft(people)
    ops.submit_item(who(people, "publisher"), decision.site, decision)
    with pytest.raises(Forbidden):  # 民主理财小组 countersigns finance only
        ops.countersign_item(who(people, "finance"), decision.site, decision)


def test_return_with_reason_then_resubmit(ctx, people):
    item = make_draft(people)
    ops.submit_item(who(people, "publisher"), item.site, item)
    with pytest.raises(OperationError):
        ops.return_item(who(people, "supervisor"), item.site, item, "  ")
    ops.return_item(who(people, "supervisor"), item.site, item, "请补充投资明细")
    assert item.status == "returned" and item.return_reason == "请补充投资明细"
    ops.update_draft(who(people, "publisher"), item.site, item,
                     {**DECISION, "body": DECISION["body"] + "\n\n明细见附件。"})
    publish(people, item)
    assert item.current_revision.body.endswith("明细见附件。")


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"period": "2026-10"}, "period", "日期"),
        ({"category": "B03.01", "period": "2026-10-15"}, "period", "季度"),
        ({"period": "2099-01-01"}, "period", "不能晚于一年以后"),
        ({"category": "B03.01", "period": "2099-Q1"}, "period", "不能晚于今天"),
        ({"category": "A11.02"}, "category", "不在村(社区)一级公开"),
        ({"category": "Z99.99"}, "category", "请选择公开类目"),
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "标" * 201}, "title", "不能超过200字"),
        ({"body": "<script>alert(1)</script>"}, "body", "不能包含网页代码"),
        ({"body": "<style>body{}</style>"}, "body", "不能包含网页代码"),
        ({"posting_days": "365"}, "posting_days", "1至90天"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(ctx, people, data, field, message):
    with pytest.raises(OperationError) as info:
        make_draft(people, data)
    assert info.value.field == field and message in info.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Item.id))) == 0


def test_township_prepares_on_behalf_of_a_village(ctx, people):
    item = make_draft(people, actor="township")
    assert item.prepared_by_site.code == TOWNSHIP
    ops.submit_item(who(people, "township"), item.site, item)
    revision = ops.countersign_item(who(people, "supervisor"), item.site, item)
    assert revision.prepared_by_site_id == item.prepared_by_site_id


def test_outsider_cannot_draft(ctx, people):
    with pytest.raises(Forbidden):
        make_draft(people, actor="outsider")


def test_unmasked_identifiers_block_publishing_and_are_named(ctx, people):
    item = make_draft(people, {"title": f"补助发放 {ID}",
                               "body": "第一行\n联系人电话 13812341234，卡号 6222021234567890123"})
    problems = ops.privacy_problems(item)
    places = [p.place for p in problems]
    assert places == ["标题", "正文第2行", "正文第2行"]
    with pytest.raises(OperationError) as info:
        ops.submit_item(who(people, "publisher"), item.site, item)
    assert "标题" in info.value.message and "110105********002X" in info.value.message
    left = ops.mask_draft(who(people, "publisher"), item.site, item)
    assert left == []
    assert "110105********002X" in item.draft_title
    assert "138****1234" in item.draft_body and "***************0123" in item.draft_body
    publish(people, item)
    assert ID not in item.current_revision.title


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_cells_are_scanned_and_masked(ctx, people, app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    item = make_draft(people)
    data = _xlsx([["户主", "身份证号", "电话", "金额"], ["张秀英", ID, 13812341234, 300]])
    ops.add_attachment(who(people, "publisher"), item.site, item, "名单.xlsx", data)
    places = [p.place for p in ops.privacy_problems(item)]
    assert places == ["附件“名单.xlsx” 单元格 名单!B2", "附件“名单.xlsx” 单元格 名单!C2"]
    ops.mask_draft(who(people, "publisher"), item.site, item)
    assert ops.privacy_problems(item) == []
    masked = item.draft_attachments[0]
    assert "110105********002X" in masked.text and "138****1234" in masked.text
    publish(people, item)


def _pdf_with_text(line: str) -> bytes:
    """A one-page PDF whose text layer holds `line` (ASCII digits)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>stream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF"
              .encode())
    return out.getvalue()


def test_pdf_text_layer_is_scanned_and_named(ctx, people, app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    item = make_draft(people)
    ops.add_attachment(who(people, "publisher"), item.site, item, "公示.pdf",
                       _pdf_with_text(f"ID {ID}"))
    assert [p.place for p in ops.privacy_problems(item)] == ["附件“公示.pdf” 第1页"]
    left = ops.mask_draft(who(people, "publisher"), item.site, item)
    assert left == ["公示.pdf"]  # PDFs cannot be masked automatically: named for re-upload
    with pytest.raises(OperationError):
        ops.submit_item(who(people, "publisher"), item.site, item)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("a.exe", b"MZ\x90\x00", "类型不允许"),
        ("a.pdf", b"<html><script>", "类型不允许"),
        ("a.png", b"%PDF-1.4 pretend", "类型不允许"),
        ("a.pdf", b"", "是空的"),
        ("a.jpg", b"\xff\xd8\xff\xe0 broken", "已损坏"),
    ],
)
def test_forbidden_files_are_refused(ctx, people, app, tmp_path, name, data, message):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    item = make_draft(people)
    with pytest.raises(OperationError) as info:
        ops.add_attachment(who(people, "publisher"), item.site, item, name, data)
    assert message in info.value.message


def test_oversize_file_is_refused(ctx, people, app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    try:
        item = make_draft(people)
        with pytest.raises(OperationError) as info:
            ops.add_attachment(who(people, "publisher"), item.site, item, "a.pdf",
                               b"%PDF-" + b"x" * 2000)
        assert "大小限制" in info.value.message
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 10 * 1024 * 1024


def test_images_lose_their_exif(ctx, people, app, tmp_path):
    from PIL import Image

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    img = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    assert b"SecretCamera" in out.getvalue()
    item = make_draft(people)
    attachment = ops.add_attachment(who(people, "publisher"), item.site, item, "现场.jpg",
                                    out.getvalue())
    from portal.core.storage import storage

    assert b"SecretCamera" not in storage().read(attachment.sha256)


def test_published_revisions_cannot_be_changed_even_below_the_orm(ctx, people):
    item = make_draft(people)
    revision = publish(people, item)
    db.session.commit()
    revision.title = "悄悄修改"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE item_revision SET title = 'x'", "DELETE FROM item_revision"):
        with pytest.raises(Exception, match="permanent"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    assert db.session.get(ItemRevision, revision.id).title == DECISION["title"]


def test_correction_needs_a_reason_and_keeps_history(ctx, people):
    item = make_draft(people)
    first = publish(people, item)
    db.session.commit()
    ops.start_correction(who(people, "publisher"), item.site, item)
    assert item.current_revision is first  # the public still sees version 1
    with pytest.raises(OperationError) as info:
        ops.update_draft(who(people, "publisher"), item.site, item,
                         {**DECISION, "body": "改为修建 1.5 公里。"})
    assert info.value.field == "reason"
    ops.update_draft(who(people, "publisher"), item.site, item,
                     {**DECISION, "body": "改为修建 1.5 公里。", "reason": "里程数填写有误"})
    second = publish(people, item)
    assert second.number == 2 and second.reason == "里程数填写有误"
    assert first.content_sha256 != second.content_sha256
    assert db.session.scalar(db.select(db.func.count(ItemRevision.id))) == 2


def test_withdrawal_needs_a_reason_and_leaves_a_notice(ctx, people):
    item = make_draft(people)
    publish(people, item)
    with pytest.raises(OperationError):
        ops.withdraw_item(who(people, "publisher"), item.site, item, "")
    ops.withdraw_item(who(people, "publisher"), item.site, item, "会议决定已被村民会议撤销")
    assert item.withdrawn_at is not None and item.current_revision_id is not None


def test_content_hash_is_canonical():
    a = ops.content_hash({"b": 1, "a": "中"})
    assert a == ops.content_hash({"a": "中", "b": 1})
    assert a != ops.content_hash({"a": "中", "b": 2})


# ---- pages ---------------------------------------------------------------


def _published(app, people, data=None, site=VILLAGE, actor="publisher"):
    with app.app_context():
        item = make_draft(people, data, site=site, actor=actor)
        site_obj = item.site
        ops.submit_item(who(people, actor), site_obj, item)
        reviewer = "supervisor" if site == VILLAGE else None
        if reviewer is None:
            reviewer_id = people.setdefault("upper", None)
            raise AssertionError("only village items in these tests") from reviewer_id
        ops.countersign_item(who(people, reviewer), site_obj, item, "")
        db.session.commit()
        return item.id


def test_public_item_page(client, app, people):
    item_id = _published(app, people, {"body": "**加粗**的正文\n\n| 项目 | 金额 |\n|---|---|\n| 村道 | 36万 |"})
    page = client.get(f"/s/{VILLAGE}/items/{item_id}").get_data(as_text=True)
    assert "关于修建村道的决定" in page and "<strong>加粗</strong>" in page and "<table>" in page
    assert "村务监督委员会" in page and "SHA-256" in page
    assert client.get(f"/s/{OTHER}/items/{item_id}").status_code == 404  # scoped to its site
    site_page = client.get(f"/s/{VILLAGE}/").get_data(as_text=True)
    assert "关于修建村道的决定" in site_page


def test_drafts_are_not_public(client, app, people):
    with app.app_context():
        item_id = make_draft(people).id
        db.session.commit()
    assert client.get(f"/s/{VILLAGE}/items/{item_id}").status_code == 404


def test_history_shows_side_by_side_diff(client, app, people):
    item_id = _published(app, people)
    with app.app_context():
        item = db.session.get(Item, item_id)
        ops.start_correction(who(people, "publisher"), item.site, item)
        ops.update_draft(who(people, "publisher"), item.site, item,
                         {**DECISION, "body": "经村民会议表决通过，修建三组至五组村道 1.5 公里。\n\n投资 36 万元。",
                          "reason": "里程数填写有误"})
        ops.submit_item(who(people, "publisher"), item.site, item)
        ops.countersign_item(who(people, "supervisor"), item.site, item)
        db.session.commit()
    page = client.get(f"/s/{VILLAGE}/items/{item_id}/history").get_data(as_text=True)
    assert "里程数填写有误" in page
    assert "<del>经村民会议表决通过，修建三组至五组村道 1.2 公里。</del>" in page
    assert "<ins>经村民会议表决通过，修建三组至五组村道 1.5 公里。</ins>" in page
    assert "这是第2版" in client.get(f"/s/{VILLAGE}/items/{item_id}").get_data(as_text=True)


def test_withdrawn_item_shows_the_notice(client, app, people):
    item_id = _published(app, people)
    with app.app_context():
        item = db.session.get(Item, item_id)
        ops.withdraw_item(who(people, "publisher"), item.site, item, "决定已撤销")
        db.session.commit()
    page = client.get(f"/s/{VILLAGE}/items/{item_id}").get_data(as_text=True)
    assert "撤回原因：决定已撤销" in page


def test_downloads_are_attachments_with_nosniff(client, app, people, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    with app.app_context():
        item = make_draft(people)
        ops.add_attachment(who(people, "publisher"), item.site, item, "会议记录.pdf",
                           _pdf_with_text("meeting minutes"))
        ops.submit_item(who(people, "publisher"), item.site, item)
        ops.countersign_item(who(people, "supervisor"), item.site, item)
        db.session.commit()
        item_id, att_id = item.id, item.current_revision.attachments[0].id
    response = client.get(f"/s/{VILLAGE}/items/{item_id}/files/{att_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF-")
    assert client.get(f"/s/{OTHER}/items/{item_id}/files/{att_id}").status_code == 404


def test_console_journey(client, auth, app, people):
    auth.login("13900000001")
    response = client.submit(f"/manage/s/{VILLAGE}/items/new", {**DECISION, "category": "A04.10"})
    assert response.status_code == 302
    item_url = response.location
    response = client.submit(item_url, {}, post_url=item_url + "/submit")
    assert "已提交" in client.get(item_url).get_data(as_text=True)
    auth.logout()
    auth.login("13900000002")
    queue = client.get(f"/manage/s/{VILLAGE}/review/").get_data(as_text=True)
    assert "关于修建村道的决定" in queue
    client.submit(item_url, {"dissent": ""}, post_url=item_url + "/countersign")
    assert "已会签" in client.get(item_url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Item.status)) == "published"


def test_console_shows_privacy_problems_and_masks(client, auth, app, people):
    auth.login("13900000001")
    response = client.submit(f"/manage/s/{VILLAGE}/items/new",
                             {**DECISION, "body": f"身份证 {ID}"})
    item_url = response.location
    page = client.get(item_url).get_data(as_text=True)
    assert "发现未遮蔽的个人信息" in page and "正文第1行" in page
    refused = client.submit(item_url, {}, post_url=item_url + "/submit")
    assert "不能发布" in client.get(refused.location).get_data(as_text=True)
    client.submit(item_url, {}, post_url=item_url + "/mask")
    assert "110105********002X" in client.get(item_url).get_data(as_text=True)


def test_bad_upload_through_the_form_saves_nothing(client, auth, app, people):
    auth.login("13900000001")
    page = client.get(f"/manage/s/{VILLAGE}/items/new").get_data(as_text=True)
    from tests.conftest import csrf_from

    response = client.raw.post(
        f"/manage/s/{VILLAGE}/items/new",
        data={**DECISION, "csrf_token": csrf_from(page),
              "attachments": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "类型不允许" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Item.id))) == 0


def test_period_dates(ctx, people):
    item = make_draft(people, {"category": "B03.01", "period": "2026-q2",
                               "title": "二季度经营支出", "body": "见表"})
    assert (item.period_start, item.period_end) == (date(2026, 4, 1), date(2026, 6, 30))


def test_console_lists_what_my_sites_owe(client, auth, people):
    auth.login("13900000001")
    page = client.get("/manage/").get_data(as_text=True)
    assert "接下来应公开" in page and "已逾期" in page


OPERATIONS = {
    "create_item": lambda actor, site, item: ops.create_item(actor, site, DECISION),
    "update_draft": lambda actor, site, item: ops.update_draft(actor, site, item, DECISION),
    "add_attachment": lambda actor, site, item: ops.add_attachment(actor, site, item, "a.pdf",
                                                                   b"%PDF-1.4"),
    "mask_draft": lambda actor, site, item: ops.mask_draft(actor, site, item),
    "submit_item": lambda actor, site, item: ops.submit_item(actor, site, item),
    "return_item": lambda actor, site, item: ops.return_item(actor, site, item, "原因"),
    "countersign_item": lambda actor, site, item: ops.countersign_item(actor, site, item),
    "start_correction": lambda actor, site, item: ops.start_correction(actor, site, item),
    "withdraw_item": lambda actor, site, item: ops.withdraw_item(actor, site, item, "原因"),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("outsider", ["a supervisor of another branch", "a resident"])
def test_every_content_operation_refuses_outsiders(ctx, people, operation, outsider):
    """Whatever the state of the item, someone without the permission there is refused."""
    item = make_draft(people)
    if operation in ("return_item", "countersign_item"):
        ops.submit_item(who(people, "publisher"), item.site, item)
    if operation in ("start_correction", "withdraw_item"):
        publish(people, item)
    actor = who(people, "outsider" if outsider.startswith("a supervisor") else "resident")
    with pytest.raises(Forbidden):
        OPERATIONS[operation](actor, item.site, item)
