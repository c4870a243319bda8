from django.urls import path

from milieu.checker import regulation_views as views

app_name = "regulation"

urlpatterns = [
    path("", views.diploma_list, name="diploma_list"),
    path("<slug:diploma_id>/", views.diploma_detail, name="diploma_detail"),
]
