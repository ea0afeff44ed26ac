"""Permissions as data: role x place in the tree x permission, and scoping to one site."""

import itertools
import re

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from portal.accounts import operations
from portal.accounts.models import Residency, RoleGrant, User
from portal.core.errors import OperationError
from portal.core.permissions import PERMISSIONS, ROLE_PERMISSIONS, ROLES, can, require
from portal.core.tenancy import get_in_site_or_404
from portal.extensions import db
from portal.sites.models import Site

GRANTED_AT = "510117004000"  # 安德街道
PLACES = {
    "the site itself": ("510117004000", True),
    "a village below": ("510117004200", True),
    "the district above": ("510117000000", False),
    "the city at the top": ("510100000000", False),
    "a sibling township": ("510117005000", False),
    "a village in another branch": ("510104017001", False),
}


@pytest.mark.parametrize("role, place", list(itertools.product(ROLES, PLACES)))
def test_permission_table(ctx, tree, make_user, role, place):
    """A role granted on a township holds exactly its permissions there and below, none else."""
    uid = make_user("13912345678", roles=[(GRANTED_AT, role)])
    user = db.session.get(User, uid)
    code, inside = PLACES[place]
    site = Site.by_code(code)
    actual = {p: can(user, site, p) for p in PERMISSIONS}
    expected = {p: inside and p in ROLE_PERMISSIONS[role] for p in PERMISSIONS}
    assert actual == expected


def test_every_role_maps_to_known_permissions():
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    for perms in ROLE_PERMISSIONS.values():
        assert perms <= set(PERMISSIONS)


def test_superadmin_anonymous_and_disabled(ctx, tree, make_user):
    from flask_login import AnonymousUserMixin

    site = Site.by_code("510117004200")
    admin = db.session.get(User, make_user("13900000000", superadmin=True))
    assert all(can(admin, site, p) for p in PERMISSIONS)
    assert not any(can(AnonymousUserMixin(), site, p) for p in PERMISSIONS)
    staff = db.session.get(User, make_user("13912345678", roles=[(site.code, "site_admin")]))
    staff.disabled = True
    assert not can(staff, site, "site.edit")
    with pytest.raises(Forbidden):
        require(staff, site, "site.edit")
    with pytest.raises(KeyError):
        can(admin, site, "no.such.permission")


def test_grant_role_only_inside_own_subtree(ctx, tree, make_user):
    make_user("13911111111")
    admin = db.session.get(User, make_user("13912345678", roles=[(GRANTED_AT, "site_admin")]))
    operations.grant_role(admin, Site.by_code("510117004200"), "13911111111", "publisher")
    with pytest.raises(Forbidden):
        operations.grant_role(admin, Site.by_code("510117000000"), "13911111111", "publisher")
    with pytest.raises(Forbidden):
        operations.grant_role(admin, Site.by_code("510104017001"), "13911111111", "publisher")
    with pytest.raises(OperationError):
        operations.grant_role(admin, Site.by_code("510117004200"), "13911111111", "publisher")
    with pytest.raises(OperationError):
        operations.grant_role(admin, Site.by_code("510117004200"), "13911111111", "king")


def test_review_residency_refuses_outsiders(ctx, tree, make_user):
    village = Site.by_code("510117004200")
    applicant = db.session.get(User, make_user("13911111111"))
    other_branch = db.session.get(
        User, make_user("13912345678", roles=[("510104017000", "site_admin")]))
    publisher = db.session.get(User, make_user("13922222222", roles=[(GRANTED_AT, "publisher")]))
    residency = operations.apply_residency(
        applicant, village, {"real_name": "张秀英", "household_number": "0312"})
    with pytest.raises(Forbidden):
        operations.review_residency(other_branch, village, residency, True)
    with pytest.raises(Forbidden):
        operations.review_residency(publisher, village, residency, True)


def test_site_scoped_lookup_refuses_another_site(ctx, tree, make_user):
    applicant = db.session.get(User, make_user("13911111111"))
    residency = operations.apply_residency(
        applicant, Site.by_code("510117004200"), {"real_name": "张秀英", "household_number": "1"})
    grant = RoleGrant(user_id=applicant.id, site_id=Site.by_code("510117004200").id,
                      role="publisher")
    db.session.add(grant)
    db.session.flush()
    home = Site.by_code("510117004200")
    for model, row in ((Residency, residency), (RoleGrant, grant)):
        assert get_in_site_or_404(model, row.id, home) is row
        for code in ("510104017001", "510117004201", "510117004000"):
            with pytest.raises(NotFound):
                get_in_site_or_404(model, row.id, Site.by_code(code))
    with pytest.raises(NotFound):
        get_in_site_or_404(Residency, "1 OR 1=1", home)


def _console_urls(app, code):
    """Every console address that takes a site code, with ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("manage.") and "code" in rule.arguments:
            path = rule.rule.replace("<code>", code)
            path = re.sub(r"<int:\w+>", "1", path)
            path = path.replace("<any(verify, reject):decision>", "verify")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                urls.append((method, path))
    return urls


def test_console_refuses_another_branch(client, auth, tree, make_user, app):
    make_user("13912345678", roles=[("510104017001", "site_admin"), ("510104017001", "publisher")])
    auth.login("13912345678")
    urls = _console_urls(app, "510117004200")
    assert len(urls) >= 6
    page = client.get("/manage/s/510104017001/")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    for method, path in urls:
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 403, (method, path)


def test_console_lists_only_my_sites(client, auth, tree, make_user):
    make_user("13912345678", roles=[("510117004200", "publisher")])
    auth.login("13912345678")
    page = client.get("/manage/").get_data(as_text=True)
    assert "安龙村" in page and "水井坊社区" not in page
    assert client.get("/manage/s/510117004200/").status_code == 200
    assert client.get("/manage/s/510117004000/").status_code == 403  # above the grant


def test_console_without_roles_explains(client, auth, make_user):
    make_user("13912345678")
    auth.login("13912345678")
    response = client.get("/manage/")
    assert response.status_code == 403
    assert "还没有任何站点的管理角色" in response.get_data(as_text=True)


def test_console_needs_login(client, tree):
    response = client.get("/manage/s/510117004200/")
    assert response.status_code == 302 and "/accounts/login" in response.location


def test_grant_and_revoke_through_the_console(client, auth, tree, make_user, app):
    make_user("13911111111", name="新来的村干部")
    make_user("13912345678", roles=[(GRANTED_AT, "site_admin")])
    auth.login("13912345678")
    response = client.submit("/manage/s/510117004200/",
                             {"mobile": "13911111111", "role": "publisher"},
                             post_url="/manage/s/510117004200/roles")
    assert response.status_code == 302
    page = client.get("/manage/s/510117004200/").get_data(as_text=True)
    assert "新来的村干部" in page and "已授予角色" in page
    bad = client.submit("/manage/s/510117004200/", {"mobile": "13999999999", "role": "publisher"},
                        post_url="/manage/s/510117004200/roles")
    assert bad.status_code == 422 and "尚未注册" in bad.get_data(as_text=True)
    with app.app_context():
        grant_id = db.session.scalar(db.select(RoleGrant.id).where(RoleGrant.role == "publisher"))
    # A grant can only be revoked through the site it was granted on.
    wrong = client.submit("/manage/s/510117004200/", {},
                          post_url=f"/manage/s/510117004000/roles/{grant_id}/revoke")
    assert wrong.status_code == 404
    ok = client.submit("/manage/s/510117004200/", {},
                       post_url=f"/manage/s/510117004200/roles/{grant_id}/revoke")
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(RoleGrant, grant_id) is None


def test_resident_review_through_the_console(client, auth, tree, make_user, app):
    uid = make_user("13911111111")
    with app.app_context():
        operations.apply_residency(db.session.get(User, uid), Site.by_code("510117004200"),
                                   {"real_name": "李建国", "household_number": "0147",
                                    "is_migrant": True, "work_place": "深圳"})
        db.session.commit()
        rid = db.session.scalar(db.select(Residency.id))
    make_user("13912345678", roles=[("510117004200", "site_admin")])
    auth.login("13912345678")
    page = client.get("/manage/s/510117004200/residents").get_data(as_text=True)
    assert "李建国" in page and "深圳" in page
    empty_reason = client.submit("/manage/s/510117004200/residents", {"note": ""},
                                 post_url=f"/manage/s/510117004200/residents/{rid}/reject")
    assert empty_reason.status_code == 302
    assert "请写明原因" in client.get("/manage/s/510117004200/residents").get_data(as_text=True)
    ok = client.submit("/manage/s/510117004200/residents", {},
                       post_url=f"/manage/s/510117004200/residents/{rid}/verify")
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Residency, rid).status == "verified"
