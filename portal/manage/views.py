"""Staff console pages; every operation checks the permission again."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import operations as account_ops
from portal.accounts.forms import ActionForm
from portal.accounts.models import Residency, RoleGrant
from portal.core.errors import OperationError, apply_to_form
from portal.core.permissions import ROLES, can, require
from portal.core.tenancy import bind_site_urls, get_in_site_or_404
from portal.extensions import db
from portal.manage import bp
from portal.manage.forms import GrantRoleForm, ProfileForm, ReviewForm
from portal.sites import operations as site_ops
from portal.sites.models import Site

bind_site_urls(bp)


@bp.before_request
@login_required
def _staff_only():
    """Everything here needs a login; a site's pages need a role on it or above it."""
    if getattr(g, "site", None) is not None:
        require(current_user, g.site, "console.view")


@bp.route("/")
def index():
    """The sites where I hold a role, with what I may do there."""
    grants = db.session.scalars(
        db.select(RoleGrant)
        .where(RoleGrant.user_id == current_user.id)
        .join(Site, Site.id == RoleGrant.site_id)
        .order_by(Site.code, RoleGrant.role)
    ).all()
    by_site: dict[int, dict] = {}
    for grant in grants:
        entry = by_site.setdefault(grant.site_id, {"site": grant.site, "roles": []})
        entry["roles"].append(ROLES[grant.role])
    pending = {}
    if by_site:
        pending = _pending_residents([e["site"] for e in by_site.values()])
    if not by_site and not current_user.is_superadmin:
        return render_template("manage/no_roles.html"), 403
    from portal.content.compliance import owed_next

    return render_template(
        "manage/index.html", entries=list(by_site.values()), pending=pending,
        owed=owed_next(current_user, limit=15),
    )


def _pending_residents(sites):
    """Pending residency applications under each site, counted in one query per site."""
    counts = {}
    for site in sites:
        if can(current_user, site, "residents.verify"):
            counts[site.id] = db.session.scalar(
                db.select(db.func.count(Residency.id))
                .join(Site, Site.id == Residency.site_id)
                .where(site.subtree(), Residency.status == "pending")
            )
    return counts


@bp.route("/s/<code>/")
def site():
    """One site's console: who holds which role, what waits for me, the sites below."""
    site = g.site
    grants = db.session.scalars(
        db.select(RoleGrant).where(RoleGrant.site_id == site.id).order_by(RoleGrant.role)
    ).all()
    return render_template(
        "manage/site.html",
        site=site,
        ancestors=site.ancestors(),
        children=site.children(),
        grants=grants,
        roles=ROLES,
        grant_form=GrantRoleForm(),
        action_form=ActionForm(),
        may=lambda perm: can(current_user, site, perm),
    )


@bp.route("/s/<code>/roles", methods=["POST"])
def grant_role():
    """Grant a role on this site to a registered user."""
    form = GrantRoleForm()
    if form.validate_on_submit():
        try:
            account_ops.grant_role(current_user, g.site, form.mobile.data, form.role.data)
        except OperationError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("已授予角色：%(r)s", r=ROLES[form.role.data]), "success")
            return redirect(url_for(".site"))
    require(current_user, g.site, "roles.grant")
    return render_template("manage/grant_role.html", site=g.site, form=form), 422


@bp.route("/s/<code>/roles/<int:grant_id>/revoke", methods=["POST"])
def revoke_role(grant_id):
    """Take back a role granted on this site."""
    if not ActionForm().validate_on_submit():
        abort(400)
    grant = get_in_site_or_404(RoleGrant, grant_id, g.site)
    try:
        account_ops.revoke_role(current_user, g.site, grant)
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("角色已撤销。"), "success")
    return redirect(url_for(".site"))


@bp.route("/s/<code>/residents")
def residents():
    """Residency applications for this village to check against its roster."""
    require(current_user, g.site, "residents.verify")
    rows = db.session.scalars(
        db.select(Residency)
        .where(Residency.site_id == g.site.id)
        .order_by(Residency.status.desc(), Residency.applied_at.desc())
        .limit(500)
    ).all()
    return render_template(
        "manage/residents.html", site=g.site, rows=rows, form=ReviewForm()
    )


@bp.route("/s/<code>/residents/<int:residency_id>/<any(verify, reject):decision>",
          methods=["POST"])
def review_resident(residency_id, decision):
    """Verify or reject one application."""
    residency = get_in_site_or_404(Residency, residency_id, g.site)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        account_ops.review_residency(
            current_user, g.site, residency, decision == "verify", form.note.data
        )
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if decision == "verify":
            flash(_("已核实 %(n)s 的村(居)民身份。", n=residency.real_name), "success")
        else:
            flash(_("已不予核实 %(n)s 的申请，并告知原因。", n=residency.real_name), "success")
    return redirect(url_for(".residents"))


@bp.route("/s/<code>/profile", methods=["GET", "POST"])
def profile():
    """Edit the site's public contact details and introduction."""
    require(current_user, g.site, "site.edit")
    form = ProfileForm(obj=g.site)
    if form.validate_on_submit():
        site_ops.update_profile(current_user, g.site, form.data)
        db.session.commit()
        flash(_("站点资料已保存。"), "success")
        return redirect(url_for(".site"))
    status = 422 if request.method == "POST" else 200
    return render_template("manage/profile.html", site=g.site, form=form), status
