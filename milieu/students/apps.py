from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "milieu.students"
    label = "students"
    verbose_name = "Élèves, étudiants et apprentis"
