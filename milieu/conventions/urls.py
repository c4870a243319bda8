from django.urls import path

from milieu.conventions import amendment_views, form_views, page_views, views

app_name = "conventions"

urlpatterns = [
    path("signer/<str:token>/", views.sign, name="sign"),
    path("signer/<str:token>/document.pdf", views.sign_document, name="sign_document"),
    # the school screens (issue "Conventions")
    path("", page_views.convention_list, name="list"),
    path("nouvelle/", form_views.create, name="create"),
    path("<int:pk>/", page_views.detail, name="detail"),
    path("<int:pk>/modifier/", form_views.edit, name="edit"),
    path("<int:pk>/etape/<slug:action>/", page_views.transition, name="transition"),
    path("<int:pk>/signataires/<int:signatory_pk>/papier/", page_views.paper, name="paper"),
    path("<int:pk>/relancer/", page_views.remind, name="remind"),
    path("<int:pk>/documents/<int:doc_pk>.pdf", page_views.document, name="document"),
    # avenants (issue "Conventions")
    path(
        "<int:pk>/avenants/nouveau/",
        amendment_views.amendment_create,
        name="amendment_create",
    ),
    path("avenants/<int:pk>/", amendment_views.amendment_detail, name="amendment_detail"),
    path("avenants/<int:pk>/envoyer/", amendment_views.amendment_send, name="amendment_send"),
    path("avenants/<int:pk>/annuler/", amendment_views.amendment_cancel, name="amendment_cancel"),
    path(
        "avenants/<int:pk>/signataires/<int:signatory_pk>/papier/",
        amendment_views.amendment_paper,
        name="amendment_paper",
    ),
    path(
        "avenants/<int:pk>/documents/<int:document_pk>.pdf",
        amendment_views.amendment_document,
        name="amendment_document",
    ),
]
