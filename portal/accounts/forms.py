"""Forms for registration, login, password change and the residency application."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

MOBILE = Regexp(r"^1[3-9]\d{9}$", message=_l("请输入11位手机号码"))


class RegisterForm(FlaskForm):
    mobile = StringField(_l("手机号码"), validators=[DataRequired(_l("请输入手机号码")), MOBILE])
    display_name = StringField(
        _l("称呼"), validators=[DataRequired(_l("请填写称呼")), Length(max=40, message=_l("称呼不超过40字"))]
    )
    password = PasswordField(
        _l("密码"),
        validators=[DataRequired(_l("请输入密码")), Length(8, 128, message=_l("密码长度为8至128位"))],
    )
    confirm = PasswordField(
        _l("再次输入密码"), validators=[EqualTo("password", message=_l("两次输入的密码不一致"))]
    )


class LoginForm(FlaskForm):
    mobile = StringField(_l("手机号码"), validators=[DataRequired(_l("请输入手机号码")), MOBILE])
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=128)]
    )


class PasswordForm(FlaskForm):
    old_password = PasswordField(_l("原密码"), validators=[DataRequired(_l("请输入原密码"))])
    password = PasswordField(
        _l("新密码"),
        validators=[DataRequired(_l("请输入新密码")), Length(8, 128, message=_l("密码长度为8至128位"))],
    )
    confirm = PasswordField(
        _l("再次输入新密码"), validators=[EqualTo("password", message=_l("两次输入的密码不一致"))]
    )


class ResidencyForm(FlaskForm):
    village_code = StringField(
        _l("户籍所在村(社区)代码"),
        validators=[
            DataRequired(_l("请填写村(社区)的12位代码")),
            Regexp(r"^\d{12}$", message=_l("村(社区)代码为12位数字")),
        ],
        description=_l("在首页找到您的村(社区)，页面上方显示12位代码"),
    )
    real_name = StringField(
        _l("真实姓名"), validators=[DataRequired(_l("请填写真实姓名")), Length(2, 20)]
    )
    household_number = StringField(
        _l("户号"), validators=[DataRequired(_l("请填写户号")), Length(max=20)],
        description=_l("户口簿首页上的户号，村(社区)将据此核对花名册"),
    )
    id_number = StringField(
        _l("身份证号码"), validators=[Length(max=18)],
        description=_l("用于与村户籍花名册核对；只保存加密后的摘要，不保存号码本身"),
    )
    is_migrant = BooleanField(_l("我在外务工或居住(外出务工人员)"))
    work_place = StringField(_l("现在工作或居住的地方"), validators=[Length(max=80)])


class ActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST (logout, revoke, ...)."""
