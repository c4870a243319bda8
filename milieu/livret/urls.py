from django.urls import path

from milieu.livret import views

app_name = "livret"

urlpatterns = [
    path("promotions/<int:cohort_pk>/", views.cohort, name="cohort"),
    path("editions/<int:pk>/progression/", views.job, name="job"),
    path("editions/<int:pk>/pdf/", views.download, name="download"),
]
