from django.urls import path

from milieu.evidence import views

app_name = "evidence"

urlpatterns = [
    path("eleves/<int:student_pk>/", views.student, name="student"),
    path("a-verifier/", views.pending, name="pending"),
    path("<int:pk>/fichier/", views.download, name="download"),
    path("<int:pk>/accepter/", views.accept, name="accept"),
    path("<int:pk>/refuser/", views.refuse, name="refuse"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
