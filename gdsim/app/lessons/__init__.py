"""Lesson views: small, focused windows that each teach one idea."""


def __getattr__(name: str):
    """The lesson window classes by name (OneParameterLesson, ...), imported lazily so the
    Qt-free modules here do not import Qt."""
    from gdsim.app.lessons.registry import LESSONS

    for lesson in LESSONS:
        if lesson.window.endswith(f":{name}"):
            return lesson.window_class()
    raise AttributeError(name)
