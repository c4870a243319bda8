from django.urls import path

app_name = "livret"

urlpatterns: list = []  # filled by the app
