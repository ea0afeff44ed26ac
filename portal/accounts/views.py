"""Register, log in and out, change password, and apply to be a verified resident."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from portal.accounts import bp, operations
from portal.accounts.forms import (
    ActionForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    ResidencyForm,
)
from portal.accounts.models import Residency
from portal.core.errors import OperationError, apply_to_form
from portal.extensions import db, limiter
from portal.sites.models import Site


def _login_limit():
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit():
    from flask import current_app

    return current_app.config["REGISTER_RATE_LIMIT"]


def _start(user):
    """Log a user in under a brand-new session (the old session id is discarded)."""
    session.clear()
    operations.start_session(user, request.remote_addr)
    db.session.commit()
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Open an account with a mobile number and a password."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = operations.register_user(
                form.mobile.data, form.password.data, form.display_name.data
            )
            db.session.flush()
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        except IntegrityError:
            db.session.rollback()  # the same number registered a moment ago, in another request
            apply_to_form(form, OperationError(_("该手机号已注册，请直接登录"), "mobile"))
        else:
            _start(user)
            flash(_("注册成功，欢迎使用阳光村务。"), "success")
            return redirect(url_for(".me"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Log in with mobile number and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.mobile.data, form.password.data)
        db.session.commit()  # keeps the failed-login audit record
        if user is None:
            form.form_errors.append(_("手机号码或密码不正确"))
        else:
            _start(user)
            flash(_("登录成功。"), "success")
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for(".me")
            return redirect(target)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End this login on the server as well as in the browser."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        operations.end_session(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "success")
    return redirect(url_for("main.index"))


@bp.route("/me")
@login_required
def me():
    """My account: residency status and the sites where I hold a role."""
    residency = db.session.scalar(db.select(Residency).where(Residency.user_id == current_user.id))
    return render_template("accounts/me.html", residency=residency, action_form=ActionForm())


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change my password; my other logins end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.old_password.data, form.password.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("密码已修改，其他设备上的登录已退出。"), "success")
            return redirect(url_for(".me"))
    return render_template("accounts/password.html", form=form)


@bp.route("/residency", methods=["GET", "POST"])
@login_required
def residency():
    """Apply to my home village to be confirmed as its resident."""
    form = ResidencyForm()
    if request.method == "GET" and request.args.get("village"):
        form.village_code.data = request.args["village"][:12]
    if form.validate_on_submit():
        village = Site.by_code(form.village_code.data)
        try:
            if village is None:
                raise OperationError(_("找不到这个代码的村(社区)"), "village_code")
            operations.apply_residency(current_user, village, form.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("申请已提交，%(v)s 核实后您即可参加本村投票和评议。", v=village.short_name),
                  "success")
            return redirect(url_for(".me"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/residency.html", form=form), status
