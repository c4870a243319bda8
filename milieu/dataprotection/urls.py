from django.urls import path

from milieu.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("donnees-personnelles/", views.privacy, name="privacy"),
]
