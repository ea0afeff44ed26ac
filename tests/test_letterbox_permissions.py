"""Every letterbox operation as a table: role x place in the tree x operation -> allowed or refused.

The role is granted on 安德街道 (a township). A letter handler may act on letters held by the
township and the villages below it, and nowhere else; only a site admin manages leader mailboxes,
and only on its own subtree. Each allowed case must also succeed, so the table cannot pass by
refusing everything.
"""

from __future__ import annotations

import itertools

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden

from portal.accounts.models import User
from portal.core.errors import OperationError
from portal.core.permissions import ROLE_PERMISSIONS, ROLES
from portal.extensions import db
from portal.letterbox import handling
from portal.letterbox import operations as ops
from portal.letterbox.models import Mailbox
from portal.sites.models import Site
from tests.test_letterbox import LETTER

GRANTED_AT = "510117004000"  # 安德街道
PLACES = {
    "the site itself": ("510117004000", True),
    "a village below": ("510117004200", True),
    "the district above": ("510117000000", False),
    "the city at the top": ("510100000000", False),
    "a sibling township": ("510117005000", False),
    "a village in another branch": ("510104017001", False),
}


def _letter(code: str):
    site = Site.by_code(code)
    letter, _code = ops.submit_letter(AnonymousUserMixin(), site,
                                      {**LETTER, "recipient": f"site:{code}"})
    return letter


def _target(letter):
    """A transfer target the handler may always use when allowed: up the branch."""
    return letter.site.parent or letter.site.children()[0]


# operation -> (state the letter needs first, the call)
LETTER_OPERATIONS = {
    "accept": (None, lambda u, x: handling.accept_letter(u, x)),
    "reject": (None, lambda u, x: handling.reject_letter(u, x, "已在法院审理", "court")),
    "process": ("accepted", lambda u, x: handling.start_processing(u, x, "正在核实")),
    "extend": ("accepted", lambda u, x: handling.extend_letter(u, x, "需要现场核实")),
    "transfer": (None, lambda u, x: handling.transfer_letter(u, x, _target(x), "职责所在")),
    "reply": ("accepted", lambda u, x: handling.reply_letter(u, x, "已核实并处理，谢谢来信。")),
    "publish": (None, lambda u, x: handling.publish_letter(u, x, x.subject, x.body)),
    "hide": (None, lambda u, x: handling.hide_letter(u, x, "涉及个人隐私")),
    "note": (None, lambda u, x: handling.add_note(u, x, "请核对一卡通账号")),
}


@pytest.mark.parametrize("role, place, operation",
                         list(itertools.product(ROLES, PLACES, LETTER_OPERATIONS)))
def test_letter_operation_table(ctx, tree, make_user, role, place, operation):
    actor = db.session.get(User, make_user("13912345678", roles=[(GRANTED_AT, role)]))
    admin = db.session.get(User, make_user("13900000000", superadmin=True))
    code, inside = PLACES[place]
    letter = _letter(code)
    needs, run = LETTER_OPERATIONS[operation]
    if needs == "accepted":
        handling.accept_letter(admin, letter)
    allowed = inside and "letters.handle" in ROLE_PERMISSIONS[role]
    if allowed:
        run(actor, letter)  # must succeed, not merely avoid a 403
    else:
        with pytest.raises(Forbidden):
            run(actor, letter)


MAILBOX_OPERATIONS = {
    "create mailbox": lambda u, s: ops.create_mailbox(u, s, {"name": "区长信箱"}),
    "update mailbox": lambda u, s: ops.update_mailbox(
        u, s, db.session.scalar(db.select(Mailbox).where(Mailbox.site_id == s.id)),
        {"name": "区长信箱(新)", "active": True}),
}


@pytest.mark.parametrize("role, place, operation",
                         list(itertools.product(ROLES, PLACES, MAILBOX_OPERATIONS)))
def test_mailbox_operation_table(ctx, tree, make_user, role, place, operation):
    actor = db.session.get(User, make_user("13912345678", roles=[(GRANTED_AT, role)]))
    code, inside = PLACES[place]
    site = Site.by_code(code)
    db.session.add(Mailbox(site_id=site.id, name="现有信箱"))
    db.session.flush()
    allowed = inside and "letters.manage_mailboxes" in ROLE_PERMISSIONS[role]
    run = MAILBOX_OPERATIONS[operation]
    if not allowed:
        with pytest.raises(Forbidden):
            run(actor, site)
        return
    if operation == "create mailbox":
        # Permitted here, but leader mailboxes exist only at districts and the city.
        with pytest.raises(OperationError) as info:
            run(actor, site)
        assert "区(市)县和市" in info.value.message
    else:
        run(actor, site)
        assert db.session.scalar(db.select(Mailbox.name).where(Mailbox.site_id == site.id)) \
            == "区长信箱(新)"


def test_site_admin_of_a_district_manages_its_mailboxes(ctx, tree, make_user):
    admin = db.session.get(User, make_user("13912345678", roles=[("510117000000", "site_admin")]))
    district, other = Site.by_code("510117000000"), Site.by_code("510104000000")
    box = ops.create_mailbox(admin, district, {"name": "区长信箱"})
    ops.update_mailbox(admin, district, box, {"name": "区长信箱", "active": False})
    assert not box.active
    with pytest.raises(Forbidden):
        ops.create_mailbox(admin, other, {"name": "区长信箱"})


@pytest.mark.parametrize("operation", LETTER_OPERATIONS)
def test_superadmin_may_and_anonymous_may_not(ctx, tree, make_user, operation):
    admin = db.session.get(User, make_user("13900000000", superadmin=True))
    letter = _letter("510117004200")
    needs, run = LETTER_OPERATIONS[operation]
    if needs == "accepted":
        handling.accept_letter(admin, letter)
    with pytest.raises(Forbidden):
        run(AnonymousUserMixin(), letter)
    run(admin, letter)


def test_a_disabled_handler_is_refused(ctx, tree, make_user):
    handler = db.session.get(User, make_user("13912345678",
                                             roles=[(GRANTED_AT, "letter_handler")]))
    handler.disabled = True
    with pytest.raises(Forbidden):
        handling.accept_letter(handler, _letter("510117004200"))


def test_handler_email_needs_the_role(ctx, tree, make_user):
    resident = db.session.get(User, make_user("13912345678"))
    with pytest.raises(Forbidden):
        ops.set_handler_email(resident, "me@example.org")
    handler = db.session.get(User, make_user("13912345679",
                                             roles=[(GRANTED_AT, "letter_handler")]))
    ops.set_handler_email(handler, "andejiedao@example.org")
    with pytest.raises(OperationError):
        ops.set_handler_email(handler, "not an address")
