"""Registration, login, server-side logout, session rotation, throttling, residency."""

import re

import pytest

from portal.accounts import operations
from portal.accounts.models import LoginSession, Residency, User
from portal.core.errors import OperationError
from portal.extensions import db
from tests.conftest import PASSWORD


def register(client, mobile="13912345678", password=PASSWORD, confirm=None, name="王大姐"):
    return client.submit(
        "/accounts/register",
        {"mobile": mobile, "display_name": name, "password": password,
         "confirm": confirm if confirm is not None else password},
    )


def test_register_then_log_in_and_out(client, app):
    response = register(client)
    assert response.status_code == 302
    assert "注册成功" in client.get("/accounts/me").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.mobile == "13912345678"))
        assert user.password_hash.startswith("$argon2")
        assert PASSWORD not in user.password_hash


def test_duplicate_mobile_is_a_chinese_4xx(client, make_user):
    make_user("13912345678")
    response = register(client)
    assert response.status_code == 422
    assert "该手机号已注册" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "mobile, password, confirm, name, message",
    [
        ("1391234567", PASSWORD, None, "王", "请输入11位手机号码"),
        ("23912345678", PASSWORD, None, "王", "请输入11位手机号码"),
        ("13912345678", "short", None, "王", "密码长度为8至128位"),
        ("13912345678", "x" * 129, None, "王", "密码长度为8至128位"),
        ("13912345678", PASSWORD, "different-pass", "王", "两次输入的密码不一致"),
        ("13912345678", PASSWORD, None, "", "请填写称呼"),
        ("13912345678", PASSWORD, None, "名" * 41, "称呼不超过40字"),
        ("13912345678", "12345678", None, "王", "密码过于简单"),
    ],
)
def test_bad_registration_input(client, mobile, password, confirm, name, message):
    response = register(client, mobile, password, confirm, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page or "form-errors" in page


def test_missing_csrf_token_is_refused(client):
    response = client.raw.post(
        "/accounts/register",
        data={"mobile": "13912345678", "display_name": "王", "password": PASSWORD,
              "confirm": PASSWORD},
    )
    assert response.status_code == 400
    assert "安全校验码" in response.get_data(as_text=True)


def test_wrong_password_says_so_without_saying_which(client, auth, make_user):
    make_user("13912345678")
    wrong = auth.login("13912345678", "Wrong-pass-2026")
    unknown = auth.login("13900000000", "Wrong-pass-2026")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "手机号码或密码不正确" in response.get_data(as_text=True)


def test_logout_invalidates_the_session_on_the_server(client, auth, make_user, app):
    make_user("13912345678")
    auth.login("13912345678")
    cookie = client.raw.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.get("/accounts/me").status_code == 200
    auth.logout()
    # Replaying the cookie captured before logout no longer logs anybody in.
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = replay.get("/accounts/me")
    assert response.status_code == 302 and "/accounts/login" in response.location
    with app.app_context():
        assert db.session.scalar(
            db.select(db.func.count()).where(LoginSession.revoked_at.is_(None))
        ) == 0


def test_each_login_gets_a_new_session(client, auth, make_user, app):
    make_user("13912345678")
    auth.login("13912345678")
    first = client.raw.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    auth.login("13912345678")
    second = client.raw.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert first != second
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LoginSession.id))) == 2


def test_disabled_account_loses_its_sessions(client, auth, make_user, app):
    uid = make_user("13912345678")
    admin_id = make_user("13900000001", superadmin=True)
    auth.login("13912345678")
    with app.app_context():
        operations.set_disabled(db.session.get(User, admin_id), db.session.get(User, uid), True)
        db.session.commit()
    assert client.get("/accounts/me").status_code == 302
    assert "手机号码或密码不正确" in auth.login("13912345678").get_data(as_text=True)


def test_password_change_ends_other_logins(app, make_user, auth, client):
    make_user("13912345678")
    auth.login("13912345678")
    other = app.test_client()
    from tests.conftest import AuthActions, Client

    AuthActions(Client(other)).login("13912345678")
    response = client.submit(
        "/accounts/password",
        {"old_password": PASSWORD, "password": "New-pass-2027", "confirm": "New-pass-2027"},
    )
    assert response.status_code == 302
    assert client.get("/accounts/me").status_code == 200  # this login continues
    assert other.get("/accounts/me").status_code == 302  # the other one ended


def test_login_is_throttled(client, make_user):
    make_user("13912345678")
    responses = [
        client.submit("/accounts/login", {"mobile": "13912345678", "password": "bad-pass-x"})
        for _ in range(12)
    ]
    assert [r.status_code for r in responses[:10]] == [422] * 10
    assert responses[-1].status_code == 429
    assert "操作过于频繁" in responses[-1].get_data(as_text=True)
    # Even the right password is refused until the window passes.
    right = client.submit("/accounts/login", {"mobile": "13912345678", "password": PASSWORD})
    assert right.status_code == 429


def test_session_cookie_flags(client, auth, make_user, app):
    make_user("13912345678")
    response = auth.login("13912345678")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_login_redirects_only_to_local_paths(client, make_user):
    make_user("13912345678")
    page = client.get("/accounts/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.raw.post(
        "/accounts/login?next=//evil.example/x",
        data={"mobile": "13912345678", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/accounts/me"


def test_residency_application_and_verification(ctx, tree, make_user):
    from portal.sites.models import Site

    uid = make_user("13912345678")
    staff_id = make_user("13900000004", roles=[("510117004200", "site_admin")])
    user, staff = db.session.get(User, uid), db.session.get(User, staff_id)
    village = Site.by_code("510117004200")
    residency = operations.apply_residency(
        user, village, {"real_name": "李建国", "household_number": "0147", "is_migrant": True,
                        "work_place": "广东省深圳市"})
    db.session.commit()
    assert residency.status == "pending"
    with pytest.raises(OperationError):
        operations.review_residency(staff, village, residency, False, "")  # reason required
    operations.review_residency(staff, village, residency, True)
    db.session.commit()
    assert residency.status == "verified" and residency.household.number == "0147"
    with pytest.raises(OperationError):
        operations.apply_residency(user, village, {"real_name": "李建国", "household_number": "1"})


def test_residency_must_be_a_village(ctx, tree, make_user):
    from portal.sites.models import Site

    user = db.session.get(User, make_user("13912345678"))
    with pytest.raises(OperationError) as info:
        operations.apply_residency(user, Site.by_code("510117004000"),
                                   {"real_name": "李建国", "household_number": "1"})
    assert info.value.field == "village_code"


def test_residency_form(client, auth, tree, make_user, app):
    make_user("13912345678")
    auth.login("13912345678")
    response = client.submit(
        "/accounts/residency",
        {"village_code": "510117004200", "real_name": "李建国", "household_number": "0147",
         "is_migrant": "y", "work_place": "深圳"},
    )
    assert response.status_code == 302
    assert "等待村(社区)核实" in client.get("/accounts/me").get_data(as_text=True)
    bad = client.submit("/accounts/residency", {"village_code": "999999999999",
                                                "real_name": "李建国", "household_number": "1"})
    assert bad.status_code == 422 and "找不到这个代码的村(社区)" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Residency.id))) == 1
