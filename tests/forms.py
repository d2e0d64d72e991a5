"""Submitting a page's form as a browser would: what the unbound form shows, with some fields changed."""


def shown_values(form) -> dict:
    """The POST data of ``form`` (unbound, as rendered): dates, decimals and keys as the widgets send them."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            value = [str(getattr(v, "pk", v)) for v in value]
        elif value is True:
            value = "on"
        data[name] = value
    return data
