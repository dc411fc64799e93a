class Abstract:
    def run(self):
        raise NotImplementedError("subclasses implement run")


def rule(event):
    try:
        Abstract().run()
    except NotImplementedError as e:
        return str(e) == "subclasses implement run"
    return False


def title(event):
    try:
        raise NotImplementedError
    except Exception as e:
        return f"caught {type(e).__name__} {e.args}"
