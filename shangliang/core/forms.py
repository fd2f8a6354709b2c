from shangliang.core.errors import InvalidInput


def run_service(form, call):
    """Call a service; an InvalidInput becomes an error on the form's field (or the form). Returns result or None."""
    try:
        return call()
    except InvalidInput as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None
