from django.urls import path

from milieu.conventions import views

app_name = "conventions"

urlpatterns = [
    path("signer/<str:token>/", views.sign, name="sign"),
    path("signer/<str:token>/document.pdf", views.sign_document, name="sign_document"),
]
