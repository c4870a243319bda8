from django.urls import path

from milieu.hosts import views

app_name = "hosts"

urlpatterns = [
    path("", views.host_list, name="list"),
    path("nouveau/", views.host_create, name="create"),
    path("verifier-siret/", views.check_siret, name="check_siret"),
    path("<int:pk>/", views.host_detail, name="detail"),
    path("<int:pk>/modifier/", views.host_edit, name="edit"),
    path("<int:pk>/sites/nouveau/", views.site_create, name="site_create"),
    path("<int:pk>/tuteurs/nouveau/", views.tutor_create, name="tutor_create"),
    path("tuteurs/", views.tutor_list, name="tutors"),
    path("tuteurs/<int:pk>/modifier/", views.tutor_edit, name="tutor_edit"),
]
