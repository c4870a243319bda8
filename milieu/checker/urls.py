from django.urls import path

from milieu.checker import views

app_name = "checker"

urlpatterns = [
    path("verifier/", views.check, name="check"),
]
