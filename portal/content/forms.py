"""Staff forms for drafting, correcting, reviewing and withdrawing disclosures."""

from flask_babel import gettext as _
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
    structured_fields: tuple[str, ...] = ()  # names of a policy's own fields (f_doc_no, ...)


POLICY_LINKS = (
    ("interprets", _l("解读的政策编号(可不填)"), _l("本文件是对哪份政策的解读：填写该政策公开页面地址中 /items/ 后面的数字")),
    ("replaces", _l("替代的政策编号(可不填)"), _l("本文件施行后废止哪份政策：填写该政策公开页面地址中 /items/ 后面的数字")),
)


def item_form_class(category=None) -> type[ItemForm]:
    """ItemForm, plus the standard's fields (f_doc_no, f_issuer, ...) when the category is a policy.

    The fields carry no validators: the operation checks them and names the field it refuses,
    so that its Chinese message appears next to the input.
    """
    if category is None or category.kind != "policy":
        return ItemForm
    fields, choices = {}, {}
    for spec in category.field_list:
        label = spec.get("label", spec["name"])
        if not spec.get("required"):
            label = _("%(n)s(可不填)", n=label)
        if spec["type"] == "enum":
            choices[f"f_{spec['name']}"] = [("", _("请选择"))] + [
                (c, c) for c in spec.get("choices", [])]
            field = SelectField(label, choices=[], validate_choice=False)
        elif spec["type"] == "date":
            field = StringField(label, description=_("如 2026-10-15"), render_kw={"type": "date"})
        elif spec["name"] == "title":
            field = StringField(_("%(n)s(不填则与上面的标题相同)", n=label),
                                render_kw={"maxlength": 200})
        else:
            field = StringField(label, render_kw={"maxlength": 200})
        fields[f"f_{spec['name']}"] = field
    for name, label, help_text in POLICY_LINKS:
        fields[f"f_{name}"] = StringField(label, description=help_text,
                                          render_kw={"inputmode": "numeric"})
    fields["structured_fields"] = tuple(fields)

    def __init__(self, *args, **kwargs):
        ItemForm.__init__(self, *args, **kwargs)
        for name, options in choices.items():  # set on the instance, as the role form does
            self[name].choices = options

    return type("PolicyItemForm", (ItemForm,), {**fields, "__init__": __init__})


def structured_values(form) -> dict:
    """The policy fields of a submitted form, by the standard's names (doc_no, ...)."""
    values = {name[2:]: form[name].data for name in form.structured_fields}
    if "title" in values and not (values["title"] or "").strip():
        values["title"] = form.title.data
    return values


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("原因"), validators=[DataRequired(_l("请写明原因")), Length(max=500)])


class CountersignForm(FlaskForm):
    dissent = TextAreaField(
        _l("不同意见(可不填；填写后与事项一同公开)"), validators=[Optional(), Length(max=5000)]
    )
