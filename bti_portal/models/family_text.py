"""What a family writes (in the log, on a measure, in a request): one check."""

from odoo.exceptions import ValidationError


def family_text(env, value, max_chars, empty_message=None):
    """``value`` stripped of surrounding blanks; refused when it is empty
    while ``empty_message`` says it is needed, or longer than ``max_chars``.
    Anything that is not text (a list, a number sent over RPC) is empty."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and empty_message:
        raise ValidationError(empty_message)
    if len(text) > max_chars:
        raise ValidationError(
            env._(
                "The text is too long: at most %(max)s characters "
                "(you wrote %(count)s).",
                max=max_chars,
                count=len(text),
            )
        )
    return text
