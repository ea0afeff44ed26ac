"""The one exception operations raise for input a person can correct."""


class OperationError(ValueError):
    """A refusal to show the person, in Chinese, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def apply_to_form(form, error: OperationError) -> None:
    """Show an operation's refusal next to the field it concerns, or at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)
