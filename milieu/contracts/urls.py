from django.urls import path

from milieu.contracts import views

app_name = "contracts"

urlpatterns = [
    path("eleves/<int:student_pk>/", views.student, name="student"),
    path("<int:pk>/conformite/", views.confirm, name="confirm"),
]
