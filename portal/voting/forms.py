"""Voting forms; the operations check every rule, so refusals come from one place."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.voting.models import ELECTORATE_NAMES, PROXY_RELATIONS
from portal.voting.rules import library


class PollForm(FlaskForm):
    title = StringField(_l("议题"), description=_l("4至200字，如：是否同意硬化三组至五组的机耕道"))
    description = TextAreaField(_l("说明"), render_kw={"rows": 5})
    options = TextAreaField(_l("选项(每行一个)"), render_kw={"rows": 4},
                            description=_l("评议时每行填写一位干部的姓名和职务"))
    multiple = BooleanField(_l("可以多选"))
    max_choices = IntegerField(_l("最多可选几项"), default=1, validators=[Optional()])
    opens_at = DateTimeLocalField(_l("开始时间(北京时间)"), format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(_l("截止时间(北京时间)"), format="%Y-%m-%dT%H:%M")
    secret = BooleanField(_l("无记名投票"), default=True)
    electorate = SelectField(_l("参加人员"), choices={}, validate_choice=False)
    rule = SelectField(_l("表决规则"), choices={}, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.electorate.choices = list(ELECTORATE_NAMES.items())
        self.rule.choices = [(r.code, r.name) for r in library().values()]


class VoteForm(FlaskForm):
    """Only the CSRF token and who the ballot is for; the choices are read from the request."""

    principal = HiddenField()


class ProxyForm(FlaskForm):
    proxy_mobile = StringField(_l("受托亲属的手机号"), description=_l("受托人须是本村已核实的村民"))
    relation = SelectField(_l("与您的关系"), choices={}, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relation.choices = [("", _l("请选择")), *PROXY_RELATIONS.items()]


class PaperForm(FlaskForm):
    meeting_date = DateField(_l("会议日期"))
    present = IntegerField(_l("到会人数"))


class RosterForm(FlaskForm):
    file = FileField(_l("户籍花名册(CSV 或 XLSX)"), description=_l(
        "第一行为列名：户号、姓名、身份证号、与户主关系，可加 村民小组、村民代表(是/否)。"
        "身份证号只保存加密摘要"))


class MatterForm(FlaskForm):
    title = StringField(_l("事项名称"))
    summary = TextAreaField(_l("事项概要"), render_kw={"rows": 4})
    stages = TextAreaField(_l("办理阶段(每行一个)"), render_kw={"rows": 7}, description=_l(
        "默认为四议两公开的六个阶段；须含一个“…决议”阶段和“决议公开”“实施结果公开”"))


class StepForm(FlaskForm):
    acted_on = DateField(_l("办理日期"))
    acted_by = StringField(_l("办理的组织或人员"), description=_l("如 村党支部委员会、村民代表会议"))
    minutes = TextAreaField(_l("会议记录或办理情况"), render_kw={"rows": 6})
    poll_id = SelectField(_l("关联的投票(决议阶段)"), choices={}, validate_choice=False)
