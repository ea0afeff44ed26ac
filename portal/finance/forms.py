"""Finance forms; the rules live in the operations, so errors come from one place."""

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
