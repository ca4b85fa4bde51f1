"""Lesson views: small, focused windows that each teach one idea."""


def __getattr__(name: str):
    if name == "OneParameterLesson":  # lazy, so Qt-free modules here do not import Qt
        from gdsim.app.lessons.one_parameter import OneParameterLesson

        return OneParameterLesson
    if name == "TwoParameterLesson":
        from gdsim.app.lessons.two_parameters import TwoParameterLesson

        return TwoParameterLesson
    raise AttributeError(name)
