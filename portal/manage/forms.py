"""Console forms: granting roles, reviewing residents, editing a site's profile."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.core.permissions import ROLES


class GrantRoleForm(FlaskForm):
    mobile = StringField(
        _l("用户手机号码"),
        validators=[DataRequired(_l("请输入手机号码")),
                    Regexp(r"^1[3-9]\d{9}$", message=_l("请输入11位手机号码"))],
    )
    role = SelectField(_l("角色"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(key, str(label)) for key, label in ROLES.items()]


class ReviewForm(FlaskForm):
    note = StringField(_l("说明(不予核实时必填)"), validators=[Length(max=200)])


class ProfileForm(FlaskForm):
    phone = StringField(_l("办公电话"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("办公地址"), validators=[Optional(), Length(max=200)])
    population = IntegerField(
        _l("户籍人口"), validators=[Optional(), NumberRange(0, 50_000_000, _l("人口数不合理"))]
    )
    households = IntegerField(
        _l("户数"), validators=[Optional(), NumberRange(0, 20_000_000, _l("户数不合理"))]
    )
    intro = TextAreaField(_l("简介"), validators=[Optional(), Length(max=2000)])
