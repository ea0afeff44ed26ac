"""Finance forms; the rules live in the operations, so errors come from one place."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, StringField, TextAreaField


class ImportForm(FlaskForm):
    period = StringField(_l("所属期间"), description=_l("如 2026-Q3"))
    file = FileField(_l("明细账文件"), description=_l(
        "XLSX 或 CSV，按下载的模板填写；整个文件检查无误才会导入，有错误时逐行列出"))
    reason = StringField(_l("更正原因(重新导入已有期间时必填)"), render_kw={"maxlength": 500})


class HeavyForm(FlaskForm):
    """The township sets how often a village publishes its accounts."""

    heavy = StringField(_l("公开周期"))  # month or quarter; the select is in compare.html
    reason = StringField(_l("依据"), render_kw={"maxlength": 500, "placeholder": _l(
        "如：2026年12月街道党工委会议纪要")})


class SubmitForm(FlaskForm):
    """Hand a revision's statement to the reviewers (CSRF only)."""


class CountersignForm(FlaskForm):
    dissent = TextAreaField(_l("不同意见(可不填；填写后与公开内容一同公开)"),
                            render_kw={"rows": 3, "maxlength": 5000})


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("退回原因"), render_kw={"rows": 3, "maxlength": 500})


class RegisterImportForm(FlaskForm):
    kind = SelectField(_l("台账"), choices=[], validate_choice=False)
    as_of = StringField(_l("台账日期"), description=_l("如 2025-12-31（年度清产核资为12月31日）"))
    file = FileField(_l("台账文件"), description=_l(
        "XLSX 或 CSV，按下载的模板填写；整个文件检查无误才会导入，有错误时逐行列出"))
    reason = StringField(_l("更正原因(重新导入同一日期的台账时必填)"), render_kw={"maxlength": 500})

    def __init__(self, *args, **kwargs):
        from portal.finance.registers import KINDS

        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in KINDS.items()]


class FundForm(FlaskForm):
    """Register a special fund (专项资金); `decisions` are (id, title, date) to link to."""

    name = StringField(_l("资金名称"), description=_l(
        "与明细账“专项资金”列的写法完全一致，如 高标准农田建设补助（区级）"),
        render_kw={"maxlength": 100})
    level = SelectField(_l("下达层级"), choices=[], validate_choice=False)
    purpose = TextAreaField(_l("资金用途"), description=_l("批复的用途和建设内容"),
                            render_kw={"rows": 3, "maxlength": 1000})
    granted = StringField(_l("下达金额(元)"), description=_l("如 150000.00"),
                          render_kw={"inputmode": "decimal", "maxlength": 20})
    granted_on = StringField(_l("下达日期"), description=_l("如 2025-03-18"),
                             render_kw={"maxlength": 20})
    document = StringField(_l("批复文号或文件(可不填)"), description=_l("如 郫财农〔2025〕18号"),
                           render_kw={"maxlength": 200})
    decision_item_id = SelectField(_l("民主决策事项(可不选)"), choices=[], validate_choice=False,
                                   description=_l("本村(社区)已公开的村民会议、村民代表会议等决定"))

    def __init__(self, *args, decisions=(), **kwargs):
        from portal.finance.funds import LEVELS

        super().__init__(*args, **kwargs)
        self.level.choices = [("", _l("请选择")), *((k, str(v)) for k, v in LEVELS.items())]
        self.decision_item_id.choices = [("", _l("不关联"))] + [
            (str(i), f"{title}（{day.isoformat()}）") for i, title, day in decisions]


class FundCorrectionForm(FundForm):
    """Correct a registered fund; the reason is published with the history."""

    reason = TextAreaField(_l("更正原因"), render_kw={"rows": 2, "maxlength": 500})

    @staticmethod
    def decisions_for(fund, decisions):
        """The decisions a fund may be linked to: its own stays offered if withdrawn since."""
        linked = fund.decision_item_id
        if not linked or linked in {i for i, _t, _d in decisions}:
            return decisions
        from portal.content.models import Item
        from portal.core.clock import local_date
        from portal.extensions import db

        item = db.session.get(Item, linked)
        title = item.current_revision.title if item.current_revision else str(linked)
        return [*decisions, (linked, _("%(t)s（已撤回）", t=title),
                             local_date(item.first_published_at or item.created_at))]

    @classmethod
    def of(cls, fund, decisions):
        """A form showing a fund's current values (not bound to the request)."""
        from portal.finance.parsing import yuan

        decisions = cls.decisions_for(fund, decisions)
        return cls(formdata=None, prefix=f"fund{fund.id}", decisions=decisions, data={
            "name": fund.name, "level": fund.level, "purpose": fund.purpose,
            "granted": yuan(fund.granted_fen).replace(",", ""),
            "granted_on": fund.granted_on.isoformat(), "document": fund.document,
            "decision_item_id": str(fund.decision_item_id or "")})
