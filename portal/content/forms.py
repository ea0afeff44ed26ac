"""Staff forms for drafting, correcting, reviewing and withdrawing disclosures."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ItemForm(FlaskForm):
    category = SelectField(_l("公开类目"), choices=[], validate_choice=False)
    period = StringField(
        _l("所属期间"),
        validators=[DataRequired(_l("请填写所属期间"))],
        description=_l("按月公开填 2026-10，按季度填 2026-Q3，按年填 2026，其他填事件日期 2026-10-15"),
    )
    title = StringField(
        _l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200, message=_l("标题不能超过200字"))]
    )
    body = TextAreaField(
        _l("正文"),
        validators=[DataRequired(_l("请填写正文")), Length(max=50000, message=_l("正文不能超过50000字"))],
        description=_l("可使用 Markdown：空行分段，| 列 | 列 | 画表格。不能包含网页代码。"),
    )
    posting_days = IntegerField(
        _l("公示期(天，可不填)"),
        validators=[Optional(), NumberRange(1, 90, _l("公示期应在1至90天之间"))],
    )
    reason = StringField(
        _l("更正原因(更正已发布内容时必填)"), validators=[Optional(), Length(max=500)]
    )
    attachments = MultipleFileField(
        _l("附件(PDF、PNG、JPG、XLSX，每个不超过10 MB)"),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("原因"), validators=[DataRequired(_l("请写明原因")), Length(max=500)])


class CountersignForm(FlaskForm):
    dissent = TextAreaField(
        _l("不同意见(可不填；填写后与事项一同公开)"), validators=[Optional(), Length(max=5000)]
    )
