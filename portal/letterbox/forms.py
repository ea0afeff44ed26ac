"""Letterbox forms; lengths and rules are checked by the operations, so errors come from one place."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from portal.letterbox.models import KINDS, RATINGS, REFERRALS
from portal.letterbox.operations import BODY_MAX, SUBJECT_MAX


class LetterForm(FlaskForm):
    recipient = SelectField(_l("写信给"), choices={}, validate_choice=False)
    kind = SelectField(_l("来信类型"), choices={}, validate_choice=False)
    item = StringField(_l("有异议的公开事项"), description=_l(
        "仅“对公开内容的异议”需要填写：事项页面地址中 /items/ 后面的数字，或直接粘贴事项页面地址"))
    subject = StringField(_l("主题"), description=_l("4至%(m)d个字，概括您要反映的事情", m=SUBJECT_MAX))
    body = TextAreaField(_l("来信内容"), render_kw={"rows": 10}, description=_l(
        "10至%(m)d个字。请写清时间、地点、经过和您的诉求；不能包含网页代码", m=BODY_MAX))
    attachments = MultipleFileField(_l("附件(可选)"), description=_l(
        "最多3个，每个不超过10 MB；只能是 PDF、PNG、JPG 图片或 XLSX 表格。附件只有办理单位能看到"))
    name = StringField(_l("姓名(可不填)"), description=_l("不填即为匿名来信；姓名任何时候都不会公开"))
    mobile = StringField(_l("联系电话(可不填)"), description=_l("仅供办理单位联系您，不会公开"))
    email = StringField(_l("电子邮箱(可不填)"), description=_l("填写后，来信每次有进展都会发邮件提醒您"))
    consent_public = BooleanField(_l("同意在网站上公开我的来信和答复(姓名和联系方式不公开，身份证号、手机号等会遮蔽)"))
    captcha = StringField(_l("验证码"), description=_l("请输入图片中的字符，不区分大小写"))
    token = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = {k: str(v) for k, v in KINDS.items()}


class TrackForm(FlaskForm):
    number = StringField(_l("来信编号"), description=_l("如 2026-510117004200-0001"))
    code = StringField(_l("查询码"), description=_l("提交来信时显示的10位查询码，如 7KQ2M-X9PTA"))


class RateForm(FlaskForm):
    rating = RadioField(_l("您对答复的评价"), choices={}, validate_choice=False)
    comment = TextAreaField(_l("评价说明(可不填，仅办理单位可见)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = {k: str(v) for k, v in RATINGS.items()}


class AcceptForm(FlaskForm):
    simple = BooleanField(_l("按简单事项办理(答复期限缩短为3个工作日)"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("不予受理的理由"))
    referral = SelectField(_l("建议来信人的反映途径"), choices={}, validate_choice=False)
    referral_note = StringField(_l("途径说明(选“其他途径”时必填)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral.choices = {k: str(v) for k, v in REFERRALS.items()}


class NoteForm(FlaskForm):
    note = TextAreaField(_l("办理进展(公开显示，可不填)"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"))


class TransferForm(FlaskForm):
    target = SelectField(_l("转办给"), choices={}, validate_choice=False)
    target_code = StringField(_l("或填写其他单位的12位区划代码"))
    reason = TextAreaField(_l("转办理由(公开显示)"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("答复内容"), render_kw={"rows": 8}, description=_l(
        "来信人同意公开时，答复经遮蔽身份证号、手机号和来信人姓名后公开"))


class PublishForm(FlaskForm):
    public_subject = StringField(_l("公开的主题"))
    public_body = TextAreaField(_l("公开的内容"), render_kw={"rows": 8}, description=_l(
        "已自动遮蔽身份证号、手机号、银行账号和来信人姓名；请再删去住址等可识别个人的信息"))


class InternalNoteForm(FlaskForm):
    body = TextAreaField(_l("内部备注(仅办理单位可见)"))


class MailboxForm(FlaskForm):
    name = StringField(_l("信箱名称"), description=_l("如 区长信箱、市长信箱"))
    holder = StringField(_l("负责人职务"), description=_l("如 郫都区人民政府区长"))
    intro = TextAreaField(_l("说明"))
    active = BooleanField(_l("接收来信"), default=True)


class HandlerEmailForm(FlaskForm):
    email = StringField(_l("接收来信提醒的电子邮箱"), description=_l("留空则不发邮件提醒"))
