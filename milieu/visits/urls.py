from django.urls import path

from milieu.visits import views

app_name = "visits"

urlpatterns = [
    path("conventions/<int:pk>/", views.convention_visits, name="convention"),
    path("conventions/<int:pk>/planifier/", views.plan, name="plan"),
    path("mon-calendrier/", views.calendar, name="calendar"),
    path("mon-calendrier.ics", views.calendar_ics, name="calendar_ics"),
    path("mon-calendrier/adresse-secrete/", views.feed_create, name="feed_create"),
    path("mon-calendrier/adresse-secrete/revoquer/", views.feed_revoke, name="feed_revoke"),
    path("agenda/<slug:token>.ics", views.feed_ics, name="feed_ics"),
    path("alertes/", views.alerts, name="alerts"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
]
